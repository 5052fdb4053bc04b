"""A newcomer's first hour: the generated README's Quick start, run as written, both ways.

The commands come from the README itself, so the test follows it when it
changes: with uv (`uv sync`, `uv run panel serve`, `uv run pytest`, then the
pre-commit hooks on the untouched project), and without it (a venv and pip).
uv cannot download Pythons here, so UV_PYTHON points it at a found one.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from bakes import DEFAULT_PYTHON, bake
from suites import find_python

INSTALL_TIMEOUT = 900


def quick_start_blocks(readme: str) -> list[list[str]]:
    """The commands of each bash block in "Quick start", comments dropped."""
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    return [
        [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines() if line.strip()]
        for block in blocks
    ]


def serves_the_app(command: str, env: dict, cwd) -> str:
    """Run the README's serve command on a free port; return the page it serves."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = command.replace("--show", "") + f" --port {port} --address 127.0.0.1"
    process = subprocess.Popen(command, shell=True, env=env, cwd=cwd, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/app", timeout=10) as page:
                    return page.read().decode()
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"`{command}` did not serve the app (exit code {process.poll()})")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        # `uv run` and `panel serve --dev` can outlive the shell that started them.
        time.sleep(2)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def newcomer(cookies):
    """A fresh default project, the README's two command blocks, and an environment
    whose PATH has uv (from requirements-dev.txt) but no virtualenv."""
    python, origin = find_python(DEFAULT_PYTHON)
    if python is None:
        pytest.skip(origin)
    project = bake(cookies).project_path
    with_uv, without_uv = quick_start_blocks((project / "README.md").read_text(encoding="utf-8"))
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{os.path.dirname(sys.executable)}{os.pathsep}{env['PATH']}"
    env |= {"UV_PYTHON": python, "UV_PYTHON_DOWNLOADS": "never"}
    return project, with_uv, without_uv, env, python


def run(command: str, env: dict, cwd) -> None:
    result = subprocess.run(
        command, shell=True, env=env, cwd=cwd, capture_output=True, text=True,
        timeout=INSTALL_TIMEOUT,
    )  # fmt: skip
    assert result.returncode == 0, f"`{command}` failed:\n{result.stdout}{result.stderr}"


def follow(commands: list[str], env: dict, project) -> None:
    """Run the commands as a shell user would; serve commands run until the page answers."""
    for command in commands:
        if "panel serve" in command:
            assert "<title>Panel App</title>" in serves_the_app(command, env, project)
        else:
            run(command, env, project)


def test_the_quick_start_says_what_the_other_tests_run(default_project):
    """The fast loop runs these as tests/suites.py does (uv sync, pytest); --slow runs them as written."""
    readme = (default_project / "README.md").read_text(encoding="utf-8")
    with_uv, without_uv = quick_start_blocks(readme)
    assert with_uv == ["uv sync", "uv run panel serve app.py --dev --show", "uv run pytest"]
    assert without_uv[0] == "python -m venv .venv && . .venv/bin/activate"
    assert without_uv[-1] == "pytest"


@pytest.mark.slow  # a third run of the default suite, from a fresh environment
def test_the_quick_start_with_uv_works_as_written_and_writes_the_lock(newcomer):
    project, commands, _, env, _ = newcomer
    assert commands == ["uv sync", "uv run panel serve app.py --dev --show", "uv run pytest"]
    follow(commands, env, project)
    assert (project / "uv.lock").is_file()  # the README says to commit it
    run("uv sync --locked", env, project)  # what CI runs: the lock is up to date
    # The README's pre-commit step, on the project as generated: every hook passes.
    for command in ("git init -q", "git add -A", "uv run pre-commit run --all-files"):
        run(command, env, project)


@pytest.mark.slow  # pip resolves and installs everything afresh: about a minute
def test_the_quick_start_without_uv_works_as_written(newcomer):
    project, _, commands, env, python = newcomer
    first, *rest = commands
    assert first == "python -m venv .venv && . .venv/bin/activate", commands
    assert rest[-1] == "pytest"
    # The first line, with `python` the found interpreter and the activation as the
    # environment the later lines run in (each runs in a shell of its own here).
    run(f"{python} -m venv .venv", env, project)
    bin_dir = project / ".venv" / "bin"
    env |= {"VIRTUAL_ENV": str(bin_dir.parent), "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}"}
    follow(rest, env, project)
