"""Scale-out: two processes of the default project behind its own nginx config, 50 users
at once (tests/in_project/test_scale_out.py); it passes as generated, and fails once the
config's sticky routing is removed. Needs nginx (.ci/run installs Debian's)."""

from __future__ import annotations

import os
import shutil

import pytest

needs_nginx = pytest.mark.skipif(
    shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"),
    reason="needs nginx (Debian: apt-get install nginx)",
)
SCALE_OUT = "test_scale_out.py"
STICKY = "    hash $panel_route consistent;\n"


@needs_nginx
def test_the_default_project_scales_out_behind_its_nginx_config(run_in_default_project):
    run = run_in_default_project(SCALE_OUT, "production.py")
    assert run.returncode == 0, run.output[-4000:]
    assert [name.rsplit("::", 1)[-1] for name in run.passed] == [
        "test_users_through_nginx_stay_on_one_process_and_keep_their_own_rows"
    ]


def without_sticky_routing(project):
    config = project / "deploy" / "nginx" / "nginx.conf"
    text = config.read_text(encoding="utf-8")
    assert STICKY in text
    config.write_text(text.replace(STICKY, ""), encoding="utf-8")


@needs_nginx
def test_without_sticky_routing_the_scale_out_test_fails(run_in_default_project):
    run = run_in_default_project(SCALE_OUT, "production.py", edit=without_sticky_routing)
    assert len(run.failed) == 1, run.output[-3000:]
    # Failed for the reason it exists: a session's websocket reached the other process.
    assert "was created on ['first', 'second']" in run.output, run.output[-3000:]
