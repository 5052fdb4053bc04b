"""Baking the template: its option space, read from cookiecutter.json, what each
combination must bake, and the helpers that bake it and read the result.

The option space is derived from cookiecutter.json at import (collection) time, so
a new choice or option is tested without editing the tests; only `expected_files`
needs a line when an option adds or removes files.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import tempfile
import time
import tomllib
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
DEFAULT_PYTHON = OPTIONS["python_version"][0]

# Files a generated test suite never reads: combinations that differ only in
# these (or in the pyproject.toml keys of UNREAD_PYPROJECT_KEYS) may share one
# run of that suite. tests/test_generated_suites.py proves the claim on every run
# with an audit hook that records each file opened (and probes ruff, which the
# hook cannot see, for the files it reads, and the suite for the keys).
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
        "deploy/serve.py",
        "deploy/nginx/nginx.conf",
        "docs/deploying.md",
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
        """Readable and -k friendly: 3.12-bootstrap-no_auth-github-docker-MIT-pre_commit."""
        parts = []
        for key, value in self.choices:
            if value in ("yes", "no", "none"):
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


def pairwise_combinations() -> list[Combination]:
    """A few combinations in which every pair of choices of two options appears together.

    The template's Jinja branches on one option, or on two together (auth and docker,
    python_version and license), so a difference between two generators shows up in
    one of these. Greedy, deterministic, the defaults first: 19 of the 1152.
    """

    def pairs(combination: Combination) -> set[tuple]:
        chosen = combination.choices
        return {(a, b) for i, a in enumerate(chosen) for b in chosen[i + 1 :]}

    candidates = all_combinations()
    uncovered = set().union(*(pairs(c) for c in candidates))
    picked = [candidates[0]]
    uncovered -= pairs(candidates[0])
    while uncovered:
        best = max(candidates, key=lambda c: len(pairs(c) & uncovered))
        picked.append(best)
        uncovered -= pairs(best)
    return picked


def selected_combinations(config) -> list[Combination]:
    """`--matrix=full`: every combination; otherwise the covering few."""
    return all_combinations() if config.getoption("--matrix") == "full" else covering_combinations()


def compared_combinations(config) -> list[Combination]:
    """What copier is compared with cookiecutter on: the covering few, and with
    `--matrix=full` every pair of choices too (a copy takes seconds: all 1152 would
    take an hour of CI)."""
    covering = covering_combinations()
    if config.getoption("--matrix") != "full":
        return covering
    return covering + [c for c in pairwise_combinations() if c not in covering]


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
        "tests/conftest.py",
        "tests/support.py",
        "tests/test_idle_server.py",
        "tests/test_layout.py",
        "tests/test_lint_config.py",
        "tests/test_namespace_guard.py",
        "tests/test_rows_page.py",
        "tests/test_session_isolation.py",
        "tests/test_ui.py",
    }
    if context["auth"] == "oidc":
        files.add(f"src/{package}/access.py")
    if context["auth"] != "none":
        files.add("tests/test_sign_in.py")
    if context["ci"] == "github":
        files.add(".github/workflows/ci.yml")
    if context["ci"] == "gitlab":
        files.add(".gitlab-ci.yml")
    if context["docker"] == "yes":
        files |= {"Dockerfile", ".dockerignore", "compose.yaml", "docs/deploying.md"}
        files |= {"deploy/serve.py", "deploy/nginx/nginx.conf"}
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


def bake(cookies, **extra_context):
    """Bake this template with pytest-cookies; unknown option names are an error."""
    check_extra_context(extra_context)
    return cookies.bake(extra_context=extra_context, template=str(ROOT))


def bake_quietly(output_dir: Path, **extra_context: str) -> Path:
    """Bake with the cookiecutter command (its next-steps message kept out of sight), for
    scripts; returns the project's path."""
    check_extra_context(extra_context)
    answers = [f"{key}={value}" for key, value in extra_context.items()]
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(output_dir), str(ROOT)]
    subprocess.run([*command, *answers], check=True, capture_output=True, timeout=120)
    [project] = [path for path in output_dir.iterdir() if path.is_dir()]
    return project


class Bakery:
    """Bakes each combination at most once per test session."""

    def __init__(self, cookies):
        self._cookies = cookies
        self._results: dict[Combination, object] = {}

    def __call__(self, combination: Combination):
        if combination not in self._results:
            self._results[combination] = bake(self._cookies, **combination.context)
        return self._results[combination]


def project_files(project: Path) -> dict[str, bytes]:
    """Every file of a baked project, by path relative to it."""
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


# Package metadata in pyproject.toml's [project] that no generated test reads
# (only a build does; tests/test_bake.py checks it on every combination). The
# license choice changes only these and LICENSE.
UNREAD_PYPROJECT_KEYS = ("license", "license-files", "classifiers")


def pyproject_as_read(data: bytes) -> bytes:
    """pyproject.toml as a generated suite reads it: parsed, without UNREAD_PYPROJECT_KEYS,
    serialized canonically (so its comments and layout are not compared either)."""
    pyproject = tomllib.loads(data.decode("utf-8"))
    for key in UNREAD_PYPROJECT_KEYS:
        pyproject.get("project", {}).pop(key, None)
    return json.dumps(pyproject, sort_keys=True).encode()


def suite_inputs(project: Path) -> dict[str, bytes]:
    """What a generated test suite can read: every file but NOT_READ_BY_GENERATED_TESTS,
    byte for byte, except pyproject.toml, compared as `pyproject_as_read`."""
    return {
        name: pyproject_as_read(data) if name == "pyproject.toml" else data
        for name, data in project_files(project).items()
        if name not in NOT_READ_BY_GENERATED_TESTS
    }


SYSTEM_TEMP_DIR = Path(tempfile.gettempdir())  # read at import, before conftest redirects it
SESSION_STARTED = time.time()


def hooks_left_in_system_temp_dir() -> list[Path]:
    """This template's rendered hooks written to the system temp dir since the session began.

    cookiecutter writes each hook it runs to a temp file and never deletes it
    (cookiecutter#886, closed as intended): one full-matrix run left over 5,000
    files in /tmp, so conftest points the temp dir into pytest's own.
    """
    ours = ("Refuse answers that cannot work", "Remove what the answers turned off")
    return [
        path
        for path in SYSTEM_TEMP_DIR.glob("tmp*.py")
        if path.stat().st_mtime >= SESSION_STARTED
        and any(marker in path.read_text(errors="replace") for marker in ours)
    ]
