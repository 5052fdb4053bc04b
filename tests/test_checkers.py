"""Negative controls for the linters the matrix relies on: each flags a broken file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import checkers
from bakes import DEFAULT


@pytest.fixture(scope="module")
def project(default_project, tmp_path_factory):
    """A fresh copy of the default bake, free to break."""
    target = tmp_path_factory.mktemp("broken") / "panel-app"
    shutil.copytree(default_project, target)
    return target


def broken_copy(source: Path, broken: Path, old: str, new: str) -> Path:
    """`source` copied to `broken` with `old` replaced by `new` (which must be there)."""
    text = source.read_text(encoding="utf-8")
    assert old in text, f"{source.name} no longer contains {old!r}"
    broken.write_text(text.replace(old, new), encoding="utf-8")
    return broken


def test_ruff_flags_lint_and_formatting(project):
    (project / "src/panel_app/bad.py").write_text("import os\nx=[1,2]\n", encoding="utf-8")
    problems = checkers.ruff(project)
    assert any("F401" in problem for problem in problems), problems
    assert any("unformatted" in problem for problem in problems), problems
    (project / "src/panel_app/bad.py").unlink()
    assert checkers.ruff(project) == []
    # Its findings are kept per input (checkers.RUFF_READS): a config change is an input.
    pyproject = project / "pyproject.toml"
    clean = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(clean.replace("line-length = 100", "line-length = 40"), encoding="utf-8")
    assert any("unformatted" in problem for problem in checkers.ruff(project))
    # The license is build metadata, not an input: no new run.
    runs = len(checkers.ruff_found)
    pyproject.write_text(clean.replace('license = "MIT"', 'license = "0BSD"'), encoding="utf-8")
    assert checkers.ruff(project) == []
    assert len(checkers.ruff_found) == runs
    pyproject.write_text(clean, encoding="utf-8")


def test_validate_pyproject_flags_an_invalid_name(project, tmp_path):
    broken = broken_copy(
        project / "pyproject.toml",
        tmp_path / "pyproject.toml",
        'name = "panel-app"',
        'name = "panel app!"',
    )
    assert checkers.check("validate-pyproject", broken)


def test_the_build_backend_flags_an_author_it_cannot_write(project, tmp_path):
    broken = tmp_path / "panel-app"
    shutil.copytree(project, broken)
    broken_copy(
        project / "pyproject.toml",
        broken / "pyproject.toml",
        'name = "Your Name"',
        'name = "", email = "jöe@example.com"',
    )
    assert checkers.package_metadata(project) == []
    assert checkers.package_metadata(broken)


def test_actionlint_flags_a_broken_workflow(project, tmp_path):
    broken = broken_copy(
        project / ".github/workflows/ci.yml",
        tmp_path / "ci.yml",
        "runs-on: ubuntu-latest",
        "runs-on: ${{ matrix.nope }}",
    )
    assert checkers.check("actionlint", broken)


def test_github_workflow_schema_flags_a_broken_workflow(project, tmp_path):
    broken = broken_copy(
        project / ".github/workflows/ci.yml", tmp_path / "ci.yml", "runs-on:", "runs_on:"
    )
    assert checkers.check("github-workflow-schema", broken)


def test_zizmor_flags_an_action_pinned_to_a_tag(project, tmp_path):
    workflow = project / ".github/workflows/ci.yml"
    pinned = "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8  # v5.0.0"
    broken = broken_copy(workflow, tmp_path / "ci.yml", pinned, "actions/checkout@v5")
    assert any("unpinned-uses" in line for line in checkers.check("zizmor", broken))


def test_zizmor_flags_credentials_left_in_the_checkout(project, tmp_path):
    workflow = project / ".github/workflows/ci.yml"
    kept = "        with:\n          persist-credentials: false  # later steps need no token\n"
    broken = broken_copy(workflow, tmp_path / "ci.yml", kept, "")
    assert any("artipacked" in line for line in checkers.check("zizmor", broken))


def test_dependabot_schema_flags_a_broken_config(project, tmp_path):
    config = project / ".github/dependabot.yml"
    broken = broken_copy(
        config, tmp_path / "dependabot.yml", "interval: weekly", "interval: hourly"
    )
    assert checkers.check("dependabot-schema", broken)


def test_renovate_schema_flags_a_broken_config(tmp_path, bakery):
    config = bakery(DEFAULT | {"ci": "gitlab"}).project_path / "renovate.json"
    broken = broken_copy(config, tmp_path / "renovate.json", '"enabled": true', '"enabled": "yes"')
    assert checkers.check("renovate-schema", broken)


def test_gitlab_schema_flags_a_broken_pipeline(tmp_path):
    broken = tmp_path / ".gitlab-ci.yml"
    broken.write_text("test:\n  stage: test\n  script: 42\n  when: sometimes\n", encoding="utf-8")
    assert checkers.check("gitlab-ci-schema", broken)


def test_pre_commit_validate_config_flags_a_broken_config(project, tmp_path):
    broken = broken_copy(
        project / ".pre-commit-config.yaml",
        tmp_path / ".pre-commit-config.yaml",
        "language: python",
        "language: no-such-language",
    )
    assert checkers.check("pre-commit", broken)


def test_hadolint_flags_a_root_user_and_unpinned_base(tmp_path):
    broken = tmp_path / "Dockerfile"
    broken.write_text(
        "FROM python\nRUN pip install panel\nCMD panel serve app.py\n", encoding="utf-8"
    )
    assert checkers.check("hadolint", broken)


def test_kubernetes_validate_flags_an_unknown_field(project, tmp_path):
    broken = broken_copy(
        project / "deploy/kubernetes/service.yaml",
        tmp_path / "service.yaml",
        "sessionAffinity:",
        "sessionStickiness:",
    )
    assert checkers.check("kubernetes-validate", broken)


def test_compose_schema_flags_a_broken_service(project, tmp_path):
    broken = broken_copy(
        project / "compose.yaml", tmp_path / "compose.yaml", "    expose:", "    exposes:"
    )
    assert checkers.check("compose-schema", broken)


def test_nginx_flags_an_invalid_directive(project, tmp_path):
    config = project / "deploy" / "nginx" / "nginx.conf"
    assert checkers.check("nginx", config) == []
    broken = broken_copy(
        config, tmp_path / "nginx.conf", "proxy_buffering off;", "proxy_buffering maybe;"
    )
    assert checkers.check("nginx", broken)
