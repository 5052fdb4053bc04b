"""Two sessions of the real served app never see each other's state.

This is the property the whole project is built around: Panel runs app.py once
per session, so state created there is per session. A module-level object in the
package would be shared by every session, and these tests would catch it. Each
session applies everything the server sends it, so what it shows is what a
browser on that session would show.
"""


def summary_of(values):
    return f"Rows: {len(values)}, sum: {sum(values)}"


def settled(rows_ok):
    """Wait condition: `rows_ok(values)` holds and the summary already counts the rows."""
    return lambda snapshot: (
        rows_ok(snapshot.values) and snapshot.summary == summary_of(snapshot.values)
    )


def has_rows(count):
    return settled(lambda values: len(values) == count)


def test_rows_added_in_one_session_stay_in_that_session(open_session):
    a, b = open_session(), open_session()
    assert a.id != b.id

    a.click("Add new row")
    a.click("Add new row")
    in_a = a.wait_for(has_rows(2))
    assert len(in_a.values) == 2
    assert in_a.summary == summary_of(in_a.values)
    assert b.now().values == []

    b.click("Add new row")
    in_b = b.wait_for(has_rows(1))
    assert len(in_b.values) == 1
    assert a.now() == in_a

    a.click("Clear all rows")
    assert a.wait_for(has_rows(0)).summary == summary_of([])
    assert b.now() == in_b


def test_editing_a_value_changes_only_that_session(open_session):
    a, b = open_session(), open_session()
    for session in (a, b):
        session.click("Add new row")
        session.wait_for(has_rows(1))
    before_b = b.wait_for(has_rows(1))

    a.set_row_value(0, 42)
    in_a = a.wait_for(settled(lambda values: values == [42]))
    assert in_a.values == [42]
    assert in_a.summary == summary_of([42])
    assert b.now() == before_b


def test_a_click_sends_nothing_to_other_sessions(open_session):
    """Quiet neighbours: one user's clicks cost other sessions no websocket traffic.

    (Panel templates' default busy indicator is process-wide and would send every
    open session two messages per click; layout.py gives each session its own.)
    """
    a, idle = open_session(), open_session()
    idle.roundtrip()
    before = idle.pushes
    for _ in range(3):
        a.click("Add new row")
    a.wait_for(has_rows(3))
    idle.roundtrip()  # whatever the server sent before its reply has now arrived
    assert idle.pushes == before
