"""Every combination bakes, and what it bakes is well formed and passes real linters."""

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
    assert {key: baked.context[key] for key in combination} == combination


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
    assert set(files(baked)) == expected_files(combination)


def test_toml_and_yaml_files_parse(baked):
    parsed = 0
    for name, path in files(baked).items():
        if name.endswith(".toml"):
            tomllib.loads(path.read_text(encoding="utf-8"))
            parsed += 1
        elif name.endswith((".yml", ".yaml")):
            # libyaml's safe loader: a tenth of the pure-Python one's time, over 1,152 bakes
            text = path.read_text(encoding="utf-8")
            assert yaml.load(text, Loader=yaml.CSafeLoader) is not None, name
            parsed += 1
    assert parsed >= 1


def test_python_files_compile(baked):
    for name, path in files(baked).items():
        if name.endswith(".py"):
            compile(path.read_bytes(), name, "exec")


def test_ruff_is_clean(baked):
    assert checkers.ruff(baked.project_path) == []


def test_pyproject_passes_validate_pyproject(baked):
    assert checkers.check("validate-pyproject", baked.project_path / "pyproject.toml") == []


def test_the_build_backend_writes_the_package_metadata(baked):
    assert checkers.package_metadata(baked.project_path) == []


LINTED = {  # file: the checkers it must pass, when the combination has it
    ".github/workflows/ci.yml": ["github-workflow-schema", "actionlint", "zizmor"],
    ".github/dependabot.yml": ["dependabot-schema"],
    ".gitlab-ci.yml": ["gitlab-ci-schema"],
    "renovate.json": ["renovate-schema"],
    ".pre-commit-config.yaml": ["pre-commit"],
    "Dockerfile": ["hadolint"],
    "compose.yaml": ["compose-schema"],
    "deploy/nginx/nginx.conf": ["nginx"],
    **{
        f"deploy/kubernetes/{k}.yaml": ["kubernetes-validate"]
        for k in ("deployment", "service", "ingress")
    },
}


def test_ci_pre_commit_and_deployment_files_pass_their_linters(baked):
    for name, checks in LINTED.items():
        path = baked.project_path / name
        for checker in checks if path.exists() else []:
            assert checkers.check(checker, path) == [], f"{name}: {checker}"


def test_ci_and_the_image_install_exactly_what_uv_lock_pins(baked, combination):
    """The lock is the project's: CI syncs from it, the image builds from it, git keeps it."""
    project = baked.project_path
    ci = {"github": ".github/workflows/ci.yml", "gitlab": ".gitlab-ci.yml"}.get(combination["ci"])
    if ci is not None:
        assert "uv sync --locked" in (project / ci).read_text(encoding="utf-8")
    if combination["docker"] == "yes":
        dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
        assert "COPY pyproject.toml uv.loc[k] ./" in dockerfile
        assert "uv sync --locked --no-dev --no-editable" in dockerfile
    assert "uv.lock" not in (project / ".gitignore").read_text(encoding="utf-8")
