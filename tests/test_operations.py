"""Day-two operations of the default project, with real processes and nginx
(tests/in_project/test_faults.py and test_memory.py), and a negative control for each
defence: without it, its test fails."""

from __future__ import annotations

import re

from generated_suites import replace_in

RATE_LIMIT = "        limit_req zone=new_sessions burst=20 nodelay;\n"
RANGE_CHECK = (
    "        if event.new is not None and not self._limits.start <= event.new <= self._limits.end:"
)
SMALL_CHURN = "WAVES, SESSIONS, CLICKS = 2, 5, 1"


def test_killed_replicas_bursts_and_hostile_messages_hurt_no_one_else(run_in_default_project):
    run = run_in_default_project("test_faults.py", "production.py")
    assert run.returncode == 0, run.output[-4000:]
    assert len(run.passed) == 4, run.output[-2000:]


def test_memory_stays_flat_under_churn_and_closed_sessions_are_collected(run_in_default_project):
    run = run_in_default_project("test_memory.py", "production.py")
    assert run.returncode == 0, run.output[-4000:]
    assert len(run.passed) == 1, run.output[-2000:]


def test_without_the_rate_limit_a_burst_of_page_requests_is_served(run_in_default_project):
    def unlimited(project):
        replace_in(project / "deploy" / "nginx" / "nginx.conf", RATE_LIMIT, "")

    run = run_in_default_project("test_faults.py", "production.py", edit=unlimited)
    assert (
        "test_a_burst_of_page_requests_is_refused_at_once_while_an_open_session_keeps_answering"
        in run.failed_tests
    )
    # The open session's clicks slow past the bound, or the burst is not refused.
    assert "a click took over 15 s" in run.output or "of 300 refused" in run.output, run.output[
        -3000:
    ]


def test_without_the_range_check_a_hostile_value_changes_the_page(run_in_default_project):
    def trusting(project):
        [rows] = project.glob("src/*/pages/rows.py")
        replace_in(rows, RANGE_CHECK, "        if False:")

    run = run_in_default_project("test_faults.py", "production.py", edit=trusting)
    assert (
        "test_messages_no_widget_would_send_change_nothing_and_log_no_exception" in run.failed_tests
    )
    assert "something changed" in run.output, run.output[-3000:]


def test_a_page_kept_past_its_session_fails_the_memory_test(run_in_default_project):
    def leaky(project):
        [rows] = project.glob("src/*/pages/rows.py")
        replace_in(
            rows,
            "        self._limits = load_row_limits()",
            "        KEPT.append(self)\n        self._limits = load_row_limits()",
        )
        replace_in(rows, "class RowsPage(Page):", "KEPT = []\n\n\nclass RowsPage(Page):")
        replace_in(
            project / "tests" / "test_memory.py", "WAVES, SESSIONS, CLICKS = 10, 50, 3", SMALL_CHURN
        )

    run = run_in_default_project("test_memory.py", "production.py", edit=leaky)
    assert run.failed_tests == {"test_memory_stays_flat_and_closed_sessions_are_collected"}, (
        run.output[-3000:]
    )
    # At least the five pages of each wave stay (a retried connection may add one).
    kept = re.search(r"page objects of closed sessions still alive: \[(\d+), (\d+)\]", run.output)
    assert kept, run.output[-3000:]
    first, second = int(kept[1]), int(kept[2])
    assert first >= 5, kept[0]
    assert second >= first + 5, kept[0]
