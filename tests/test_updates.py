"""Template updates (cruft) and the ways to run the template, with real git repositories.

The template under test is the working tree, committed into a fresh repository
in a temporary directory, so what is tested is what is on disk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bakes import DEFAULT_PYTHON, ROOT

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


@pytest.fixture
def template_repo(tmp_path) -> Path:
    repo = tmp_path / "panel-app-template"
    shutil.copytree(ROOT, repo, ignore=NOT_TEMPLATE)
    run("git", "init", "-q", "-b", "main", cwd=repo)
    commit(repo, "template v1")
    return repo


def change_the_template(repo: Path) -> str:
    """A new template commit that changes a file every project has."""
    gitignore = repo / "{{cookiecutter.project_slug}}" / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "\n# Added by template v2\n*.log\n")
    return commit(repo, "template v2: ignore logs")


def test_cruft_brings_a_template_change_into_a_project_and_keeps_the_users_edits(
    template_repo, tmp_path, suite_board
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

    result = suite_board.run(project, DEFAULT_PYTHON)
    assert result.returncode == 0, result.output[-4000:]


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
