"""The template's slow evidence (`pytest --slow`; CI runs it): the suite in evidence/ runs
inside a copy of a baked project, beside its tests/support.py, with real processes,
Debian's nginx and the protocol client (evidence/client.py) for hundreds of sessions.
Each defence also runs with it taken out, and its test must then fail."""

import re

import pytest

from bakes import DEFAULT, DEFAULT_PACKAGE, DEFAULT_PYTHON, ROOT
from suites import copy_with, edit, run_suite

pytestmark = pytest.mark.slow
EVIDENCE = ROOT / "evidence"
ROWS, NGINX, SERVE = (
    f"src/{DEFAULT_PACKAGE}/pages/rows.py",
    "deploy/nginx/nginx.conf",
    "deploy/serve.py",
)
RANGE_CHECK = (
    "        if event.new is not None and not self._limits.start <= event.new <= self._limits.end:"
)
KEEP_PAGES = [("        self._limits = load_row_limits()", "        KEPT.append(self)\n        self._limits = load_row_limits()"),
              ("class RowsPage(Page):", "KEPT = []\n\n\nclass RowsPage(Page):")]  # fmt: skip


def evidence(bakery, tmp_path, test_file: str, edits=None, only: str = "", **answers):
    """Run evidence/`test_file` (its test `only`, if given) in a copy of the bake
    with these answers."""
    project = bakery(DEFAULT | answers).project_path
    helpers = {
        f"tests/{p.name}": p for p in EVIDENCE.glob("*.py") if not p.name.startswith("test_")
    }
    copy = copy_with(
        project, tmp_path / project.name, helpers | {f"tests/{test_file}": EVIDENCE / test_file}
    )
    selected = f"tests/{test_file}" + (f"::{only}" if only else "")
    return run_suite(edit(copy, edits or {}), DEFAULT_PYTHON, selected, uv_with="psutil")


PASSES = [  # (evidence test file, answers): every test in it passes
    ("test_serve_py.py", {}), ("test_drain.py", {}), ("test_faults.py", {}), ("test_memory.py", {}),
    ("test_scale_out.py", {}), ("test_server_log.py", {}), ("test_idle_server.py", {}), ("test_metrics.py", {}),
    ("test_serve_py_sign_in.py", {"auth": "basic"}), ("test_serve_py_sign_in.py", {"auth": "oidc"}),
    ("test_sign_out_at_provider.py", {"auth": "oidc"}), ("test_client.py", {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("test_file", "answers"), PASSES, ids=[f"{f}-{a.get('auth', '')}" for f, a in PASSES]
)
def test_evidence_passes(bakery, tmp_path, test_file, answers):
    run = evidence(bakery, tmp_path, test_file, **answers)
    assert run.returncode == 0, run.output[-4000:]
    assert run.named("passed"), run.output[-2000:]
    assert not run.named("skipped"), run.output[-2000:]


CONTROLS = {  # defence taken out: (test file, edits, the test that must fail, what it says[, answers])
    "drain on SIGTERM": ("test_drain.py", {SERVE: [('    loop.add_signal_handler(signal.SIGTERM, drain.start, "SIGTERM")\n', "")]},
                         "test_a_stopped_replica_keeps_its_users_and_sends_new_ones_elsewhere", "clicks lost on the stopped replica"),
    "nginx's rate limit": ("test_faults.py", {NGINX: [("        limit_req zone=new_sessions burst=20 nodelay;\n", "")]},
                           "test_a_burst_of_page_requests_is_refused_at_once_while_an_open_session_keeps_answering", " refused"),
    "the disconnect notice": ("test_faults.py", {"app.py": [("    say_when_disconnected(pn.state.curdoc)\n", "")]},
                              "test_a_browser_whose_replica_dies_says_to_reload_and_a_reload_works", "Connection to the server lost"),
    "the page's range check": ("test_faults.py", {ROWS: [(RANGE_CHECK, "        if False:")]},
                               "test_messages_no_widget_would_send_change_nothing_and_log_no_exception", "something changed"),
    "pages freed with their session": ("test_memory.py", {ROWS: KEEP_PAGES, "tests/test_memory.py": [("WAVES, SESSIONS, CLICKS = 10, 50, 3", "WAVES, SESSIONS, CLICKS = 2, 5, 1"),
                                                                                                     ("COLLECTED_WITHIN = 30", "COLLECTED_WITHIN = 12")]},
                                       "test_memory_stays_flat_and_closed_sessions_are_collected", "page objects of closed sessions still alive"),
    "sticky routing": ("test_scale_out.py", {NGINX: [("    hash $panel_route consistent;\n", "")]},
                       "test_users_through_nginx_stay_on_one_process_and_keep_their_own_rows", "was created on ['first', 'second']"),
    "session counting": ("test_metrics.py", {"deploy/metrics.py": [("    pn.state.on_session_created(session_started)\n", "")]},
                         "test_the_metrics_follow_sessions_as_they_open_click_and_close", "panel_sessions_created_total"),
    "JSON log lines": ("test_serve_py.py", {SERVE: [("        logging.getLogger().handlers[0].setFormatter(JsonLines())\n", "        pass\n")]},
                       "test_log_format_json_writes_one_object_per_line_with_session_ids", "JSONDecodeError"),
    "refusing signed-out cookies": ("test_sign_out_at_provider.py", {"deploy/sign_in_settings.py": [("    config.authorize_callback = config.authorize_callback or SignOut.not_signed_out\n", "")]},
                                    "test_sign_out_ends_the_provider_session_and_returns_signed_out", "assert 200 == 403", {"auth": "oidc"}),
    "the client's document first": ("test_client.py", {"tests/client.py": [('if message.msgtype == "PATCH-DOC" and self.document.roots:', 'if message.msgtype == "PATCH-DOC":')]},
                                    "test_sessions_opened_while_the_server_pushes_load_and_follow_the_changes", "UnknownReferenceError"),
    "panel_fixes.py's call": ("test_idle_server.py", {"app.py": [("\nstart_busy_cleanup_on_the_event_loop()", "\n")]},
                              "test_the_server_does_no_work_between_clicks", "with nobody clicking"),
}  # fmt: skip


@pytest.mark.parametrize("defence", CONTROLS)
def test_without_it_the_evidence_fails(bakery, tmp_path, defence):
    test_file, edits, must_fail, said, *answers = CONTROLS[defence]
    run = evidence(bakery, tmp_path, test_file, edits, must_fail, **(answers[0] if answers else {}))
    assert run.named("failed") == {must_fail}, run.output[-3000:]
    assert said in run.output, run.output[-3000:]
    if defence == "pages freed with their session":  # at least the five pages of each wave stay
        kept = re.search(r"still alive: \[(\d+), (\d+)\]", run.output)
        assert kept, run.output[-2000:]
        assert int(kept[1]) >= 5 <= int(kept[2]) - int(kept[1]), kept[0]
