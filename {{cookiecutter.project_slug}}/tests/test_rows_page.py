"""The dynamic-rows page, driven in Python the way a user drives it in the browser."""

import dataclasses

import panel as pn
import pytest

from {{ cookiecutter.package_name }}.data import load_row_limits
from {{ cookiecutter.package_name }}.pages import RowsPage


def click(button) -> None:
    button.clicks += 1  # what a browser click does to the widget


def test_starts_empty():
    page = RowsPage()
    assert page.values == []
    assert page.summary() == "Rows: **0**, sum: **0**"


def test_add_new_row_appends_a_number_within_the_limits():
    page = RowsPage()
    limits = load_row_limits()
    for _ in range(3):
        click(page.add_button)
    assert len(page.rows) == 3
    assert page.values == [row.value for row in page.rows]
    assert all(limits.start <= value <= limits.end for value in page.values)
    assert page.summary() == f"Rows: **3**, sum: **{sum(page.values)}**"


def test_editing_a_row_updates_the_summary():
    page = RowsPage()
    click(page.add_button)
    click(page.add_button)
    page.rows[0].value = 7
    page.rows[1].value = 35
    assert page.values == [7, 35]
    assert page.summary() == "Rows: **2**, sum: **42**"


def test_an_emptied_row_still_counts_but_adds_nothing():
    page = RowsPage()
    click(page.add_button)
    click(page.add_button)
    page.rows[0].value = 5
    page.rows[1].value = None  # the user deleted the number
    assert page.values == [5, None]
    assert page.summary() == "Rows: **2**, sum: **5**"


def test_a_value_outside_the_limits_is_put_back():
    page = RowsPage()
    click(page.add_button)
    page.rows[0].value = 7
    for hostile in (10**30, -5):  # the browser never sends these; a hostile client might
        page.rows[0].value = hostile
        assert page.values == [7]
    assert page.rows[0].value == 7


def test_the_summary_pane_follows_the_values():
    page = RowsPage()
    markdown = page.__panel__().select(pn.pane.Markdown)
    [summary_pane] = [pane for pane in markdown if pane.object.startswith("Rows:")]
    click(page.add_button)
    page.rows[0].value = 12
    assert summary_pane.object == "Rows: **1**, sum: **12**"


def test_clear_all_rows_empties_the_page():
    page = RowsPage()
    click(page.add_button)
    click(page.add_button)
    click(page.clear_button)
    assert len(page.rows) == 0
    assert page.values == []
    assert page.summary() == "Rows: **0**, sum: **0**"


def test_each_page_object_has_its_own_rows():
    first, second = RowsPage(), RowsPage()
    click(first.add_button)
    assert len(first.rows) == 1
    assert len(second.rows) == 0


def test_shared_data_is_cached_and_read_only():
    limits = load_row_limits()
    assert load_row_limits() is limits  # one object for the whole process
    assert RowsPage()._limits is RowsPage()._limits
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.start = -1
