"""The option space (read from cookiecutter.json), what each combination must bake, and
which options the generated suites read. A new choice is tested without editing this;
a new option or file needs a line in ADDED_BY, and in NOT_READ_BY_SUITES or SUITE_OPTIONS."""

import itertools
import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COOKIECUTTER_JSON: dict = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
OPTIONS: dict[str, list[str]] = {  # choice variables; the first choice is the default
    key: value
    for key, value in COOKIECUTTER_JSON.items()
    if isinstance(value, list) and not key.startswith("_")
}
DEFAULT = {key: choices[0] for key, choices in OPTIONS.items()}
DEFAULT_PACKAGE = "panel_app"  # what the default project_name derives
DEFAULT_PYTHON = DEFAULT["python_version"]

# Exactly the files a combination must produce: these, and what each answer adds
# ({src} is src/<package>).
ALWAYS = frozenset({
    ".gitignore", "README.md", "app.py", "pyproject.toml",
    *(f"{{src}}/{name}.py" for name in ("__init__", "data", "layout", "panel_fixes")),
    *(f"{{src}}/pages/{name}.py" for name in ("__init__", "base", "rows")),
    *(f"tests/{name}.py" for name in ("conftest", "support", "sign_in", "test_layout", "test_ui",
      "test_lint_config", "test_namespace_guard", "test_rows_page", "test_session_isolation")),
})  # fmt: skip
ADDED_BY = {
    ("auth", "basic"): {"tests/test_sign_in.py", "tests/test_passwords.py"},
    ("auth", "oidc"): {"tests/test_sign_in.py", "{src}/access.py", "tests/test_access.py"},
    ("ci", "github"): {".github/workflows/ci.yml", ".github/dependabot.yml"},
    ("ci", "gitlab"): {".gitlab-ci.yml", "renovate.json"},
    ("docker", "yes"): {"Dockerfile", ".dockerignore", "compose.yaml", "docs/deploying.md",
        "deploy/serve.py", "deploy/sign_in_settings.py", "deploy/metrics.py",
        "deploy/nginx/nginx.conf",
        *(f"deploy/kubernetes/{kind}.yaml" for kind in ("deployment", "service", "ingress"))},
    ("pre_commit", "yes"): {".pre-commit-config.yaml", "tests/test_pre_commit.py"},
    **{("license", c): {"LICENSE"} for c in OPTIONS["license"] if c != "Proprietary"},
}  # fmt: skip

# The options a generated suite's outcome depends on. Combinations that agree on these
# share one suite run; the others only add or change files in NOT_READ_BY_SUITES (and
# pyproject metadata only a build reads). tests/test_generated_suites.py checks both
# claims: the files differ only there, and every run goes without those files.
SUITE_OPTIONS = ("python_version", "ui_template", "auth")
NOT_READ_BY_SUITES = frozenset().union(
    *(ADDED_BY[answer] for answer in (("ci", "github"), ("ci", "gitlab"), ("docker", "yes")))
)
# pre_commit=no takes away only what yes adds for its own test: those files and the
# pre-commit dev dependency (checked there too). Its suite is the yes suite less that
# test, so the full matrix runs every suite at yes, and at no only the covering few.
LESS_A_TEST = ("pre_commit", "yes", frozenset(ADDED_BY[("pre_commit", "yes")]))
BUILD_ONLY = ("LICENSE", "README.md")  # read by the build (metadata), not by a test


def pyproject_as_tools_read(text: str) -> dict:
    """pyproject.toml less the build's own metadata: what tests and linters read."""
    pyproject = tomllib.loads(text)
    for key in ("license", "license-files", "classifiers"):
        pyproject["project"].pop(key, None)
    return pyproject


def combination_id(answers: dict[str, str]) -> str:
    """Readable and -k friendly: 3.12-bootstrap-no_auth-github-docker-MIT-pre_commit."""
    named = {"yes": "{key}", "no": "no_{key}", "none": "no_{key}"}
    return "-".join(named.get(value, value).format(key=key) for key, value in answers.items())


def all_combinations() -> list[dict[str, str]]:
    return [
        dict(zip(OPTIONS, values, strict=True)) for values in itertools.product(*OPTIONS.values())
    ]


def covering_combinations() -> list[dict[str, str]]:
    """A few combinations that use every choice of every option; the first is all defaults."""
    width = max(len(choices) for choices in OPTIONS.values())
    return [
        {key: choices[i % len(choices)] for key, choices in OPTIONS.items()} for i in range(width)
    ]


def selected_combinations(config) -> list[dict[str, str]]:
    """`--matrix=full`: every combination; otherwise the covering few."""
    full = config.getoption("--matrix") == "full"
    return all_combinations() if full else covering_combinations()


def suite_runs(config) -> dict[str, dict[str, str]]:
    """The combinations whose suites run, by suite: the covering few; with `--matrix=full`,
    every combination with LESS_A_TEST's test, and the covering few at each of its choices."""
    option, with_test, _ = LESS_A_TEST
    runs = covering_combinations()
    if config.getoption("--matrix") == "full":
        runs += [c | {option: with_test} for c in all_combinations()]
        runs += [
            c | {option: choice} for c in covering_combinations() for choice in OPTIONS[option]
        ]
    return {"-".join(c[o] for o in (*SUITE_OPTIONS, option)): c for c in reversed(runs)}


def expected_files(answers: dict[str, str], package: str = DEFAULT_PACKAGE) -> set[str]:
    """Exactly the files a combination must produce (paths relative to the project)."""
    added = (ADDED_BY.get(answer, set()) for answer in answers.items())
    return {name.format(src=f"src/{package}") for name in ALWAYS.union(*added)}


def bake(cookies, **answers: str):
    """Bake this template with pytest-cookies. cookiecutter ignores unknown keys, so a typo
    would test the default: it is an error here."""
    unknown = set(answers) - set(COOKIECUTTER_JSON)
    assert not unknown, f"not in cookiecutter.json: {sorted(unknown)}"
    return cookies.bake(extra_context=answers, template=str(ROOT))


def project_files(project: Path) -> dict[str, bytes]:
    """Every file of a baked project, by path relative to it."""
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file() and not {".git", ".venv"} & set(path.relative_to(project).parts)
    }
