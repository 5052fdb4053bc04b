"""The lint configuration works: ruff is clean, and pre-commit runs the same ruff."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PRE_COMMIT_CONFIG = ROOT / ".pre-commit-config.yaml"


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def pinned_ruff_version() -> str:
    [pin] = [dep for dep in PYPROJECT["dependency-groups"]["dev"] if re.match(r"ruff\b", dep)]
    version = re.fullmatch(r"ruff==([\w.]+)", pin)
    assert version, f"ruff must be pinned with == in pyproject.toml, found {pin!r}"
    return version.group(1)


def test_ruff_check_is_clean():
    result = ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = ruff("format", "--no-cache", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_installed_ruff_is_the_pinned_one():
    assert ruff("--version").stdout.split() == ["ruff", pinned_ruff_version()]


def test_ruff_targets_the_lowest_supported_python():
    lowest = re.fullmatch(r">=3\.(\d+)", PYPROJECT["project"]["requires-python"]).group(1)
    assert PYPROJECT["tool"]["ruff"]["target-version"] == f"py3{lowest}"


def test_pre_commit_runs_the_pinned_ruff():
    if not PRE_COMMIT_CONFIG.exists():
        pytest.skip("this project has no .pre-commit-config.yaml")
    import yaml  # installed with pre-commit

    config = yaml.safe_load(PRE_COMMIT_CONFIG.read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    pin = f"ruff=={pinned_ruff_version()}"
    for hook_id in ("ruff-check", "ruff-format"):
        assert hook_id in hooks, f"{hook_id} hook missing from .pre-commit-config.yaml"
        installs = hooks[hook_id].get("additional_dependencies", [])
        assert pin in installs, f"the {hook_id} hook must install {pin}, as pyproject.toml pins"
