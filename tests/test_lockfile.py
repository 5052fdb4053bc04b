"""uv.lock decides what is installed, in CI and in the Docker image.

There is no Docker engine here, so the Dockerfile's build stage is run for real
without one: its own ENV, COPY and RUN lines, in order, in a scratch directory,
with the uv this repository pins and a found Python of the image's version. What
the stage leaves in .venv is what the runtime stage copies.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bakes import DEFAULT_PYTHON
from suites import find_python

UV = Path(sys.executable).parent / "uv"
MISSING_LOCK = "uv.lock is missing: run 'uv lock' and commit it"


@pytest.fixture(scope="module")
def uv_env(tmp_path_factory) -> dict[str, str]:
    """uv pointed at a found Python (it cannot download one here), with uv's own cache."""
    python, origin = find_python(DEFAULT_PYTHON)
    if python is None:
        pytest.skip(origin)
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    return env | {"UV_PYTHON": python, "UV_PYTHON_DOWNLOADS": "never"}


def uv(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [UV, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def locked_project(default_project, tmp_path_factory, uv_env) -> Path:
    """The default project after the user's first `uv lock`."""
    project = tmp_path_factory.mktemp("locked") / default_project.name
    shutil.copytree(default_project, project)
    done = uv("lock", cwd=project, env=uv_env)
    assert done.returncode == 0, done.stderr
    return project


def build_stage(dockerfile: Path) -> list[tuple[str, str]]:
    """(instruction, arguments) of the stage named `build`, continuation lines joined."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text(encoding="utf-8"))
    lines = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    stage, inside = [], False
    for line in lines:
        instruction, _, arguments = line.partition(" ")
        if instruction == "FROM":
            inside = arguments.endswith(" AS build")
        elif inside:
            stage.append((instruction, arguments.strip()))
    return stage


def run_build_stage(
    project: Path, workdir: Path, env: dict[str, str]
) -> subprocess.CompletedProcess:
    """Run the build stage's own lines in `workdir`; the first failing RUN's result, or the last."""
    workdir.mkdir(parents=True)
    env = {**env, "PATH": f"{UV.parent}{os.pathsep}{env['PATH']}"}
    done = subprocess.CompletedProcess([], 0, "", "")
    for instruction, arguments in build_stage(project / "Dockerfile"):
        if instruction == "ENV":
            env |= dict(pair.split("=", 1) for pair in shlex.split(arguments))
        elif instruction == "COPY" and not arguments.startswith("--from"):
            *sources, target = arguments.split()
            destination = workdir / target
            for source in sources:
                for path in map(Path, glob.glob(str(project / source))):
                    copy = shutil.copytree if path.is_dir() else shutil.copy
                    copy(path, destination / path.name if target.endswith("/") else destination)
        elif instruction == "RUN":
            done = subprocess.run(["sh", "-c", arguments], cwd=workdir, env=env,
                                  capture_output=True, text=True, timeout=600)  # fmt: skip
            if done.returncode:
                return done
    return done


def installed(venv: Path, env: dict[str, str]) -> list[str]:
    frozen = uv("pip", "freeze", "--python", str(venv / "bin" / "python"), cwd=venv, env=env)
    assert frozen.returncode == 0, frozen.stderr
    return frozen.stdout.splitlines()


def test_the_image_build_stops_without_a_lock_and_says_how_to_make_one(
    default_project, tmp_path, uv_env
):
    done = run_build_stage(default_project, tmp_path / "build", uv_env)
    assert done.returncode != 0
    assert MISSING_LOCK in done.stderr


@pytest.mark.slow  # installs and compiles the whole lock as the image does (15 s)
def test_the_image_installs_exactly_the_locked_versions_and_no_dev_tools(
    locked_project, tmp_path, uv_env
):
    built = run_build_stage(locked_project, tmp_path / "build", uv_env)
    assert built.returncode == 0, built.stderr
    packages = installed(tmp_path / "build" / ".venv", uv_env)
    assert [line for line in packages if line.startswith("panel-app @ file://")]  # not editable
    others = {line for line in packages if not line.startswith("panel-app @ ")}

    lock = tomllib.loads((locked_project / "uv.lock").read_text(encoding="utf-8"))
    locked = {f"{p['name']}=={p['version']}" for p in lock["package"] if "version" in p}
    assert others <= locked, f"not as locked: {sorted(others - locked)}"
    pyproject = tomllib.loads((locked_project / "pyproject.toml").read_text(encoding="utf-8"))
    dev = {re.match(r"[\w.-]+", need)[0].lower() for need in pyproject["dependency-groups"]["dev"]}
    assert "pytest" in dev
    assert not {line.split("==")[0] for line in others} & dev
    assert len(others) > 20  # panel and what it needs, not an empty environment


def test_a_lock_out_of_date_with_pyproject_stops_ci_and_the_image(locked_project, tmp_path, uv_env):
    stale = tmp_path / locked_project.name
    shutil.copytree(locked_project, stale)
    pyproject = stale / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('  "panel>=1.10,<2",\n', '  "panel>=1.10,<2",\n  "six",\n'))
    ci = uv("sync", "--locked", cwd=stale, env=uv_env)  # what the generated CI runs
    assert ci.returncode != 0
    assert "needs to be updated" in ci.stderr
    image = run_build_stage(stale, tmp_path / "build", uv_env)
    assert image.returncode != 0
    assert "needs to be updated" in image.stderr
