"""The default project's deploy/serve.sh, run for real (tests/in_project/test_serve_sh.py)."""


def test_serve_sh_serves_the_app_from_the_environment_and_refuses_without_origins(
    run_in_default_project,
):
    run = run_in_default_project("test_serve_sh.py")
    assert run.returncode == 0, run.output[-4000:]
    assert len(run.passed) == 2, run.output[-2000:]
