"""The template's option space, read from cookiecutter.json, and what each combination must bake.

Everything here is derived from cookiecutter.json at import (collection) time, so a
new choice or option is tested without editing the tests; only `expected_files`
needs a line when an option adds or removes files.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COOKIECUTTER_JSON: dict = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))

# Choice variables: a list in cookiecutter.json, first entry = default.
OPTIONS: dict[str, list[str]] = {
    key: value
    for key, value in COOKIECUTTER_JSON.items()
    if isinstance(value, list) and not key.startswith("_")
}
DEFAULT_PACKAGE = "panel_app"  # what the default project_name derives

# Files a generated test suite never reads: combinations that differ only in
# these may share one run of that suite. tests/test_generated_suites.py proves
# the claim on every run with an audit hook that records each file opened (and
# probes ruff, which the hook cannot see, for the files it reads).
NOT_READ_BY_GENERATED_TESTS = frozenset(
    {
        "LICENSE",
        "README.md",
        ".github/workflows/ci.yml",
        ".gitlab-ci.yml",
        "Dockerfile",
        ".dockerignore",
        "compose.yaml",
        "deploy/kubernetes/deployment.yaml",
        "deploy/kubernetes/service.yaml",
        "deploy/kubernetes/ingress.yaml",
    }
)


@dataclass(frozen=True)
class Combination:
    """One choice per option."""

    choices: tuple[tuple[str, str], ...]

    @property
    def context(self) -> dict[str, str]:
        return dict(self.choices)

    @property
    def id(self) -> str:
        """Readable and -k friendly: 3.12-bootstrap-github-docker-MIT-pre_commit."""
        parts = []
        for key, value in self.choices:
            if value in ("yes", "no"):
                parts.append(key if value == "yes" else f"no_{key}")
            else:
                parts.append(value)
        return "-".join(parts)


def all_combinations() -> list[Combination]:
    products = itertools.product(*OPTIONS.values())
    return [Combination(tuple(zip(OPTIONS, values, strict=True))) for values in products]


def covering_combinations() -> list[Combination]:
    """A few combinations that use every choice of every option at least once.

    The first one is all defaults. This is the fast local selection; CI bakes all.
    """
    width = max(len(choices) for choices in OPTIONS.values())
    return [
        Combination(tuple((key, choices[i % len(choices)]) for key, choices in OPTIONS.items()))
        for i in range(width)
    ]


def expected_files(context: dict[str, str], package: str = DEFAULT_PACKAGE) -> set[str]:
    """Exactly the files a combination must produce (paths relative to the project)."""
    files = {
        ".gitignore",
        "README.md",
        "app.py",
        "pyproject.toml",
        f"src/{package}/__init__.py",
        f"src/{package}/data.py",
        f"src/{package}/layout.py",
        f"src/{package}/pages/__init__.py",
        f"src/{package}/pages/base.py",
        f"src/{package}/pages/rows.py",
        f"src/{package}/panel_fixes.py",
        f"src/{package}/testing.py",
        "scripts/bench.py",
        "scripts/screenshot.py",
        "deploy/serve.sh",
        "docs/migrating-from-streamlit.md",
        "deploy/nginx/nginx.conf",
        "tests/conftest.py",
        "tests/test_bench.py",
        "tests/test_deploy.py",
        "tests/test_idle_server.py",
        "tests/test_layout.py",
        "tests/test_migration_guide.py",
        "tests/test_lint_config.py",
        "tests/test_namespace_guard.py",
        "tests/test_rows_page.py",
        "tests/test_scale_out.py",
        "tests/test_session_isolation.py",
        "tests/test_ui.py",
    }
    if context["ci"] == "github":
        files.add(".github/workflows/ci.yml")
    if context["ci"] == "gitlab":
        files.add(".gitlab-ci.yml")
    if context["docker"] == "yes":
        files |= {"Dockerfile", ".dockerignore", "compose.yaml"}
        files |= {f"deploy/kubernetes/{kind}.yaml" for kind in ("deployment", "service", "ingress")}
    if context["pre_commit"] == "yes":
        files.add(".pre-commit-config.yaml")
    if context["license"] != "Proprietary":
        files.add("LICENSE")
    return files


def check_extra_context(extra_context: dict[str, str]) -> None:
    """cookiecutter silently ignores unknown keys; a typo would test the default instead."""
    unknown = set(extra_context) - set(COOKIECUTTER_JSON)
    if unknown:
        raise KeyError(f"extra_context keys not in cookiecutter.json: {sorted(unknown)}")
