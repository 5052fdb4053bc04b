"""The dynamic-rows page, driven in Python the way a user drives it in the browser."""

import dataclasses

import panel as pn
import pytest

from {{ cookiecutter.package_name }}.data import load_row_limits
from {{ cookiecutter.package_name }}.pages import RowsPage


def click(button) -> None:
    button.clicks += 1  # what a browser click does to the widget


def page_with_rows(count: int) -> RowsPage:
    page = RowsPage()
    for _ in range(count):
        click(page.add_button)
    return page


def test_starts_empty():
    page = RowsPage()
    assert page.values == []
    assert page.summary() == "Rows: **0**, sum: **0**"


def test_add_new_row_appends_a_number_within_the_limits():
    page, limits = page_with_rows(3), load_row_limits()
    assert len(page.rows) == 3
    assert page.values == [row.value for row in page.rows]
    assert all(limits.start <= value <= limits.end for value in page.values)
    assert page.summary() == f"Rows: **3**, sum: **{sum(page.values)}**"


def test_edited_and_emptied_rows_update_the_summary_pane():
    page = page_with_rows(3)
    [summary] = [p for p in page.__panel__().select(pn.pane.Markdown) if "Rows:" in p.object]
    page.rows[0].value, page.rows[1].value, page.rows[2].value = 7, 35, None  # None: emptied
    assert page.values == [7, 35, None]
    assert summary.object == "Rows: **3**, sum: **42**"


def test_a_value_outside_the_limits_is_put_back():
    page = page_with_rows(1)
    page.rows[0].value = 7
    for hostile in (10**30, -5):  # the browser never sends these; a hostile client might
        page.rows[0].value = hostile
        assert page.values == [7]
    assert page.rows[0].value == 7


def test_clear_all_rows_empties_the_page():
    page = page_with_rows(2)
    click(page.clear_button)
    assert (len(page.rows), page.values, page.summary()) == (0, [], "Rows: **0**, sum: **0**")


def test_each_page_object_has_its_own_rows():
    first, second = page_with_rows(1), RowsPage()
    assert (len(first.rows), len(second.rows)) == (1, 0)


def test_shared_data_is_cached_and_read_only():
    limits = load_row_limits()
    assert load_row_limits() is limits  # one object for the whole process
    assert RowsPage()._limits is RowsPage()._limits
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.start = -1
