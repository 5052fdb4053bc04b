"""Making and updating projects with cookiecutter, cruft and copier, with real git repositories.

The template under test is the working tree, committed into a fresh repository
in a temporary directory, so what is tested is what is on disk. copier renders
the same project directory as cookiecutter (copier.yml, copier_extensions.py):
the same bytes for the same answers, and the same refusals.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from copier import run_copy
from test_hooks import REFUSED

from bakes import (
    COOKIECUTTER_JSON,
    OPTIONS,
    ROOT,
    all_combinations,
    combination_id,
    covering_combinations,
    project_files,
)

BIN = Path(sys.executable).parent
NOT_TEMPLATE = shutil.ignore_patterns(
    ".git", ".venv", ".cache", ".hypothesis", "__pycache__", ".*_cache"
)
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}


def pairwise_combinations() -> list[dict[str, str]]:
    """Greedy, deterministic, defaults first: every pair of choices of two options appears
    together (the Jinja branches on one option or two), for comparing generators."""

    def pairs(answers: dict[str, str]) -> set[tuple]:
        chosen = list(answers.items())
        return {(a, b) for i, a in enumerate(chosen) for b in chosen[i + 1 :]}

    candidates = all_combinations()
    picked, uncovered = [], set().union(*map(pairs, candidates))
    while uncovered:
        best = max(candidates, key=lambda c: len(pairs(c) & uncovered))
        picked.append(best)
        uncovered -= pairs(best)
    return picked


def pytest_generate_tests(metafunc):
    if "compared" in metafunc.fixturenames:  # the covering few; every pair with --matrix=full
        compared = covering_combinations()
        if metafunc.config.getoption("--matrix") == "full":
            compared += [c for c in pairwise_combinations() if c not in compared]
        metafunc.parametrize("compared", compared, ids=[combination_id(c) for c in compared])


def run(*command: str | Path, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, input=stdin,
        env={**os.environ, **GIT_IDENTITY},  # read now: conftest has set TMPDIR by then
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, f"{' '.join(map(str, command))}:\n{result.stdout}{result.stderr}"
    return result


def commit(repo: Path, message: str) -> str:
    run("git", "add", "-A", cwd=repo)
    run("git", "commit", "-q", "-m", message, cwd=repo)
    return run("git", "rev-parse", "HEAD", cwd=repo).stdout.strip()


def released_template(directory: Path) -> Path:
    """The working tree as a git repository whose one commit is tagged v1."""
    repo = directory / "panel-app-template"
    shutil.copytree(ROOT, repo, ignore=NOT_TEMPLATE)
    run("git", "init", "-q", "-b", "main", cwd=repo)
    commit(repo, "template v1")
    run("git", "tag", "v1", cwd=repo)
    return repo


@pytest.fixture
def template_repo(tmp_path) -> Path:
    return released_template(tmp_path)


@pytest.fixture(scope="module")
def template_v1(tmp_path_factory) -> Path:
    """A released template nobody changes, for copying from."""
    return released_template(tmp_path_factory.mktemp("released"))


def copier_copy(template: Path, destination: Path, *data: str):
    """`copier copy` of tag v1 with these `--data` answers, defaults for the rest."""
    command = [BIN / "copier", "copy", "--trust", "--defaults", "--vcs-ref", "v1"]
    command += [f"--data={answer}" for answer in data]
    return run(*command, template, destination, cwd=destination.parent)


def change_the_template(repo: Path) -> str:
    """A new template commit that changes a file every project has."""
    gitignore = repo / "{{cookiecutter.project_slug}}" / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "\n# Added by template v2\n*.log\n")
    return commit(repo, "template v2: ignore logs")


def test_cruft_brings_a_template_change_into_a_project_and_keeps_the_users_edits(
    template_repo, tmp_path, default_project
):
    run(
        BIN / "cruft",
        "create",
        "--no-input",
        "--output-dir",
        tmp_path / "out",
        template_repo,
        cwd=tmp_path,
    )
    project = tmp_path / "out" / "panel-app"
    assert (project / ".cruft.json").exists()
    run("git", "init", "-q", "-b", "main", cwd=project)
    commit(project, "generated")
    readme, gitignore = project / "README.md", project / ".gitignore"
    readme.write_text(readme.read_text() + "\n## Team notes\n\nOur own words.\n")
    # An edit to the very file the template will change, in another place.
    gitignore.write_text("# Ours\n.env.local\n" + gitignore.read_text())
    commit(project, "our notes and ignores")

    run(BIN / "cruft", "check", cwd=project)  # up to date
    change_the_template(template_repo)
    stale = subprocess.run([BIN / "cruft", "check"], cwd=project, capture_output=True, text=True)
    assert stale.returncode != 0
    assert "out of date" in stale.stdout + stale.stderr

    run(BIN / "cruft", "update", "--skip-apply-ask", cwd=project)
    assert "# Added by template v2" in gitignore.read_text()
    assert gitignore.read_text().startswith("# Ours\n.env.local\n")
    assert "Our own words." in readme.read_text()
    run(BIN / "cruft", "check", cwd=project)
    # Otherwise the project is the bake, byte for byte: nothing else was touched.
    assert set(differences(project, default_project)) == {".cruft.json", ".gitignore", "README.md"}


def test_git_file_urls_checkout_no_input_and_replay(template_repo, tmp_path):
    config = tmp_path / "cookiecutter.yaml"
    config.write_text(
        f"cookiecutters_dir: {tmp_path / 'clones'}\nreplay_dir: {tmp_path / 'replay'}\n"
    )
    v1 = run("git", "rev-parse", "HEAD", cwd=template_repo).stdout.strip()
    change_the_template(template_repo)
    cookiecutter = [BIN / "cookiecutter", "--config-file", config]
    url = f"git+file://{template_repo}"

    run(*cookiecutter, "--no-input", "-o", tmp_path / "v1", url, "--checkout", v1,
        "project_name=Old One", "ui_template=fast", cwd=tmp_path)  # fmt: skip
    old = tmp_path / "v1" / "old-one"
    assert "Added by template v2" not in (old / ".gitignore").read_text()
    assert "FastListTemplate" in (old / "src" / "old_one" / "layout.py").read_text()

    run(*cookiecutter, "--no-input", "-o", tmp_path / "v2", url, cwd=tmp_path, stdin="y\n")
    assert "Added by template v2" in (tmp_path / "v2" / "panel-app" / ".gitignore").read_text()

    # --replay repeats the answers of the last bake of this template.
    run(*cookiecutter, "--no-input", "-o", tmp_path / "first", template_repo,
        "project_name=Replayed", "ui_template=vanilla", cwd=tmp_path)  # fmt: skip
    run(*cookiecutter, "--replay", "-o", tmp_path / "again", template_repo, cwd=tmp_path)
    first, again = tmp_path / "first" / "replayed", tmp_path / "again" / "replayed"
    assert sorted(p.relative_to(first) for p in first.rglob("*")) == sorted(
        p.relative_to(again) for p in again.rglob("*")
    )
    for path in first.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (again / path.relative_to(first)).read_bytes(), path


def test_copier_asks_what_cookiecutter_asks():
    copier = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
    questions = {key: value for key, value in copier.items() if not key.startswith("_")}
    asked = {key: value for key, value in COOKIECUTTER_JSON.items() if not key.startswith("_")}
    assert list(questions) == list(asked)
    prompts = COOKIECUTTER_JSON["__prompts__"]
    for key, question in questions.items():
        if isinstance(asked[key], list):
            assert question["help"] == prompts[key]["__prompt__"]
            assert question["choices"] == {prompts[key][choice]: choice for choice in asked[key]}
            assert question["default"] == asked[key][0]
        else:
            assert question["help"] == prompts[key]
            expected = asked[key].replace("cookiecutter.", "")
            assert question["default"] == expected, key
            assert question["validator"] == f"{{{{ refusal('{key}') }}}}"


def differences(copied: Path, baked: Path) -> list[str]:
    """Files that copier and cookiecutter made differently (copier's answers file aside)."""
    ours, theirs = project_files(copied), project_files(baked)
    ours.pop(".copier-answers.yml", None)
    different = [name for name in ours.keys() & theirs.keys() if ours[name] != theirs[name]]
    alone = sorted(ours.keys() ^ theirs.keys())
    modes = [name for name in ours.keys() & theirs.keys()
             if (copied / name).stat().st_mode != (baked / name).stat().st_mode]  # fmt: skip
    return sorted(different) + alone + modes


def test_the_pairwise_combinations_hold_every_pair_of_choices_of_two_options():
    picked = pairwise_combinations()
    held = {pair for c in picked for pair in itertools.combinations(c.items(), 2)}
    keys = list(OPTIONS)
    for a, b in itertools.combinations(keys, 2):
        for x, y in itertools.product(OPTIONS[a], OPTIONS[b]):
            assert ((a, x), (b, y)) in held, (a, x, b, y)
    assert len(picked) < len(all_combinations()) / 20


def test_copier_copies_what_cookiecutter_bakes_byte_for_byte(
    bakery, compared, template_v1, tmp_path
):
    """File modes too. The covering combinations, and with --matrix=full every pair of
    choices (pairwise_combinations): copier's API, in this process, takes one to
    five seconds a copy."""
    project = tmp_path / "copied"
    run_copy(str(template_v1), project, data=compared, defaults=True,
             unsafe=True, vcs_ref="v1", quiet=True)  # fmt: skip  # unsafe: --trust
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v1"
    assert differences(project, bakery(compared).project_path) == []


def test_the_comparison_sees_a_difference(default_project, template_v1, tmp_path):
    """Negative control: a copy with another ui_template differs from the default bake."""
    project = tmp_path / "copied"
    copier_copy(template_v1, project, "ui_template=fast")
    found = differences(project, default_project)
    assert "src/panel_app/layout.py" in found


@pytest.mark.parametrize(("answers", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_copier_refuses_what_cookiecutter_refuses_with_the_same_message(
    template_v1, tmp_path, answers, message
):
    # cookiecutter renders answers given on its command line, so REFUSED wraps
    # braces in raw blocks; copier takes them as typed.
    # copier's CLI shows this ValueError as it is; its API, in this process, saves a
    # second of interpreter start per case.
    typed = {key: re.sub(r"{% (end)?raw %}", "", value) for key, value in answers.items()}
    with pytest.raises(ValueError, match=re.escape(message)):
        run_copy(str(template_v1), tmp_path / "refused", data=typed, defaults=True,
                 unsafe=True, vcs_ref="v1", quiet=True)  # fmt: skip
    assert not (tmp_path / "refused").exists()


def test_copier_brings_a_template_change_into_a_project_and_keeps_the_users_edits(
    template_repo, tmp_path, default_project
):
    project = tmp_path / "panel-app"
    copier_copy(template_repo, project)
    run("git", "init", "-q", "-b", "main", cwd=project)
    commit(project, "generated")
    readme, gitignore = project / "README.md", project / ".gitignore"
    readme.write_text(readme.read_text() + "\n## Team notes\n\nOur own words.\n")
    gitignore.write_text("# Ours\n.env.local\n" + gitignore.read_text())  # the file v2 changes
    commit(project, "our notes and ignores")

    check_update = [BIN / "copier", "check-update", "--quiet"]
    run(*check_update, cwd=project)  # up to date: exit status 0
    change_the_template(template_repo)
    run("git", "tag", "v2", cwd=template_repo)
    stale = subprocess.run(check_update, cwd=project, capture_output=True, text=True, timeout=300)
    assert stale.returncode == 2, stale.stdout + stale.stderr  # "an update is available"

    run(BIN / "copier", "update", "--trust", "--defaults", cwd=project)
    assert "# Added by template v2" in gitignore.read_text()
    assert gitignore.read_text().startswith("# Ours\n.env.local\n")
    assert "Our own words." in readme.read_text()
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v2"
    commit(project, "template v2")
    run(*check_update, cwd=project)
    # Otherwise the project is the bake, byte for byte: nothing else was touched.
    assert set(differences(project, default_project)) == {
        ".gitignore",
        "README.md",
    }
