"""Every combination bakes, and what it bakes is well formed and passes real linters."""

from __future__ import annotations

import tomllib

import yaml

import checkers
from bakes import expected_files


def files(result):
    project = result.project_path
    return {
        path.relative_to(project).as_posix(): path for path in project.rglob("*") if path.is_file()
    }


def test_bakes(baked, combination):
    assert baked.exit_code == 0, baked.exception
    assert baked.exception is None
    assert baked.project_path.name == "panel-app"
    assert {key: baked.context[key] for key in combination.context} == combination.context


def test_leaves_no_jinja_unrendered(baked):
    # GitHub's own `${{ ... }}` expressions are not Jinja.
    leftovers = [
        f"{name}:{number}: {line.strip()}"
        for name, path in files(baked).items()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "{{" in line.replace("${{", "") or "{%" in line or "{#" in line
    ]
    assert not leftovers


def test_has_exactly_the_files_its_options_call_for(baked, combination):
    assert set(files(baked)) == expected_files(combination.context)


def test_toml_and_yaml_files_parse(baked):
    parsed = 0
    for name, path in files(baked).items():
        if name.endswith(".toml"):
            tomllib.loads(path.read_text(encoding="utf-8"))
            parsed += 1
        elif name.endswith((".yml", ".yaml")):
            assert yaml.safe_load(path.read_text(encoding="utf-8")) is not None, name
            parsed += 1
    assert parsed >= 1


def test_python_files_compile(baked):
    for name, path in files(baked).items():
        if name.endswith(".py"):
            compile(path.read_bytes(), name, "exec")


def test_ruff_is_clean(baked, ruff_report):
    assert ruff_report[baked.project_path.resolve()] == []


def test_pyproject_passes_validate_pyproject(baked):
    assert checkers.validate_pyproject(baked.project_path / "pyproject.toml") == []


def test_the_build_backend_writes_the_package_metadata(baked):
    assert checkers.package_metadata(baked.project_path) == []


def test_ci_config_passes_its_linter(baked, combination):
    ci = combination.context["ci"]
    if ci == "github":
        workflow = baked.project_path / ".github/workflows/ci.yml"
        assert checkers.github_workflow_schema(workflow) == []
        assert checkers.actionlint(workflow) == []
    elif ci == "gitlab":
        assert checkers.gitlab_ci_schema(baked.project_path / ".gitlab-ci.yml") == []
    else:
        assert ci == "none"


def test_pre_commit_config_passes_validate_config(baked, combination):
    config = baked.project_path / ".pre-commit-config.yaml"
    assert config.exists() == (combination.context["pre_commit"] == "yes")
    if config.exists():
        assert checkers.pre_commit_config(config) == []


def test_deployment_files_pass_their_linters(baked, combination):
    project = baked.project_path
    if combination.context["docker"] == "yes":
        assert checkers.hadolint(project / "Dockerfile") == []
        assert checkers.compose_schema(project / "compose.yaml") == []
        assert checkers.nginx_config(project / "deploy" / "nginx" / "nginx.conf") == []
        for manifest in sorted((project / "deploy" / "kubernetes").glob("*.yaml")):
            assert checkers.kubernetes_validate(manifest) == [], manifest.name


def test_ci_and_the_image_install_exactly_what_uv_lock_pins(baked, combination):
    """The lock is the project's: CI syncs from it, the image builds from it, git keeps it."""
    project = baked.project_path
    ci = {"github": ".github/workflows/ci.yml", "gitlab": ".gitlab-ci.yml"}.get(
        combination.context["ci"]
    )
    if ci is not None:
        assert "uv sync --locked" in (project / ci).read_text(encoding="utf-8")
    if combination.context["docker"] == "yes":
        dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
        assert "COPY pyproject.toml uv.loc[k] ./" in dockerfile
        assert "uv sync --locked --no-dev --no-editable" in dockerfile
    assert "uv.lock" not in (project / ".gitignore").read_text(encoding="utf-8")
