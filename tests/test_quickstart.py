"""A newcomer's first hour: the generated README's Quick start, run as written.

The commands come from the README itself, so the test follows it when it
changes: a fresh virtualenv, the install, `panel serve`, the tests, then the
pre-commit hooks on the untouched project.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.request

import pytest

from bakes import DEFAULT_PYTHON, bake
from generated_suites import find_python

INSTALL_TIMEOUT = 900


def quick_start_commands(readme: str) -> list[str]:
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)
    return [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines() if line.strip()]


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
        os.killpg(process.pid, 15)
        process.wait(timeout=20)


def test_the_readme_quick_start_works_as_written(cookies, tmp_path):
    python, origin = find_python(DEFAULT_PYTHON)
    if python is None:
        pytest.skip(origin)
    project = bake(cookies).project_path
    commands = quick_start_commands((project / "README.md").read_text(encoding="utf-8"))
    assert commands[0] == "python -m venv .venv", commands
    assert any(c.startswith("panel serve app.py") for c in commands)
    assert commands[-1] == "pytest"

    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    for command in commands:
        if command == "python -m venv .venv":
            subprocess.run([python, "-m", "venv", ".venv"], cwd=project, check=True)
        elif command.startswith(". .venv/bin/activate"):
            bin_dir = project / ".venv" / "bin"
            env |= {
                "VIRTUAL_ENV": str(bin_dir.parent),
                "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}",
            }
        elif command.startswith("panel serve"):
            assert "<title>Panel App</title>" in serves_the_app(command, env, project)
        else:
            result = subprocess.run(
                command, shell=True, env=env, cwd=project, capture_output=True, text=True,
                timeout=INSTALL_TIMEOUT,
            )  # fmt: skip
            assert result.returncode == 0, f"`{command}` failed:\n{result.stdout}{result.stderr}"

    # The README's pre-commit step, on the project as generated: every hook passes.
    for command in ("git init -q", "git add -A", "pre-commit run --all-files"):
        result = subprocess.run(
            command, shell=True, env=env, cwd=project, capture_output=True, text=True,
            timeout=INSTALL_TIMEOUT,
        )  # fmt: skip
        assert result.returncode == 0, f"`{command}` failed:\n{result.stdout}{result.stderr}"
