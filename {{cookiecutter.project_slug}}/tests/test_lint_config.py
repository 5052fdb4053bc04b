"""The lint configuration works: ruff is clean, pinned, and targets the lowest Python."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def ruff(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ruff", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


def pinned_ruff_version() -> str:
    [pin] = [dep for dep in PYPROJECT["dependency-groups"]["dev"] if re.match(r"ruff\b", dep)]
    version = re.fullmatch(r"ruff==([\w.]+)", pin)
    assert version, f"ruff must be pinned with == in pyproject.toml, found {pin!r}"
    return version.group(1)


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_is_clean(command):
    result = ruff(*command, "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_installed_ruff_is_the_pinned_one():
    assert ruff("--version").stdout.split() == ["ruff", pinned_ruff_version()]


def test_ruff_targets_the_lowest_supported_python():
    lowest = re.fullmatch(r">=3\.(\d+)", PYPROJECT["project"]["requires-python"]).group(1)
    assert PYPROJECT["tool"]["ruff"]["target-version"] == f"py3{lowest}"
