"""Scale-out: the default project's own test puts two app processes behind its
nginx config and sends 50 users through; it passes as generated, and fails once
the config's sticky routing is removed. Needs nginx (.ci/run installs Debian's)."""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import bake
from matrix import OPTIONS

needs_nginx = pytest.mark.skipif(
    shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"),
    reason="needs nginx (Debian: apt-get install nginx)",
)
SCALE_OUT_TEST = "test_users_through_nginx_stay_on_one_process_and_keep_their_own_rows"
PYTHON = OPTIONS["python_version"][0]


@pytest.fixture(scope="module")
def default_project(cookies_session):
    return bake(cookies_session).project_path


@needs_nginx
def test_the_default_project_scales_out_behind_its_nginx_config(default_project, suite_board):
    run = suite_board.run(default_project, PYTHON, "-m", "scaleout")
    if isinstance(run, str):
        pytest.skip(run)
    assert run.returncode == 0, run.output[-4000:]
    assert [name.rsplit("::", 1)[-1] for name in run.passed] == [SCALE_OUT_TEST]


@needs_nginx
def test_without_sticky_routing_the_scale_out_test_fails(default_project, suite_board, tmp_path):
    project = tmp_path / default_project.name
    shutil.copytree(default_project, project)
    config = project / "deploy" / "nginx" / "nginx.conf"
    text = config.read_text(encoding="utf-8")
    assert "    hash $panel_route consistent;\n" in text
    config.write_text(text.replace("    hash $panel_route consistent;\n", ""), encoding="utf-8")
    run = suite_board.run(project, PYTHON, "-m", "scaleout")
    if isinstance(run, str):
        pytest.skip(run)
    assert [name.rsplit("::", 1)[-1] for name in run.failed] == [SCALE_OUT_TEST], run.output[-3000:]
    # Failed for the reason it exists: a session's websocket reached the other process.
    assert "was created on ['first', 'second']" in run.output, run.output[-3000:]


def test_the_scale_out_test_runs_only_when_asked_for(default_project, suite_board):
    """Left out of `pytest` and of any other -m selection, such as the README's -m "not ui"."""
    for selection in ([], ["-m", "not ui"]):
        run = suite_board.run(default_project, PYTHON, "--collect-only", *selection)
        if isinstance(run, str):
            pytest.skip(run)
        assert run.returncode == 0, run.output[-3000:]
        assert "test_session_isolation.py" in run.output
        assert SCALE_OUT_TEST not in run.output
    run = suite_board.run(default_project, PYTHON, "--collect-only", "-m", "scaleout")
    assert SCALE_OUT_TEST in run.output
