"""The generated server fixture's log check tells app errors from clients leaving
(tests/in_project/test_server_log.py, run inside the default project)."""


def test_the_log_check_keeps_app_errors_and_drops_clients_leaving(run_in_default_project):
    run = run_in_default_project("test_server_log.py")
    assert run.returncode == 0, run.output[-4000:]
    assert len(run.passed) == 2, run.output[-2000:]
