"""pre-commit runs the same ruff as the tests and CI: the one pyproject.toml pins."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_pre_commit_runs_the_pinned_ruff():
    [pin] = re.findall(r'"(ruff==[\w.]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    for hook_id in ("ruff-check", "ruff-format"):
        assert hook_id in hooks, f"{hook_id} hook missing from .pre-commit-config.yaml"
        installs = hooks[hook_id].get("additional_dependencies", [])
        assert pin in installs, f"the {hook_id} hook must install {pin}, as pyproject.toml pins"
