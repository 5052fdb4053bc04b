"""The default project's production server, deploy/serve.py, run for real
(tests/in_project/test_serve_py.py and test_drain.py), and the drain's negative control."""

from __future__ import annotations

SIGTERM_HANDLER = '    loop.add_signal_handler(signal.SIGTERM, drain.start, "SIGTERM")\n'


def test_serve_py_serves_the_app_from_the_environment_and_refuses_without_origins(
    run_in_default_project,
):
    run = run_in_default_project("test_serve_py.py", "production.py")
    assert run.returncode == 0, run.output[-4000:]
    assert len(run.passed) == 2, run.output[-2000:]


def test_a_stopped_replica_drains_and_exits(run_in_default_project):
    run = run_in_default_project("test_drain.py", "production.py")
    assert run.returncode == 0, run.output[-4000:]
    assert len(run.passed) == 4, run.output[-2000:]


def without_the_drain(project):
    serve = project / "deploy" / "serve.py"
    text = serve.read_text(encoding="utf-8")
    assert SIGTERM_HANDLER in text
    serve.write_text(text.replace(SIGTERM_HANDLER, ""), encoding="utf-8")


def test_without_the_drain_handler_a_stopped_replicas_clicks_are_lost(run_in_default_project):
    run = run_in_default_project("test_drain.py", "production.py", edit=without_the_drain)
    failed = {name.rsplit("::", 1)[-1] for name in run.failed}
    assert "test_a_stopped_replica_keeps_its_users_and_sends_new_ones_elsewhere" in failed
    assert "clicks lost on the stopped replica" in run.output, run.output[-3000:]
