"""The template's docs show and say what is true: one screenshot per ui_template, made
by a script from real bakes, a tree of the files a project has, and a migration guide
whose Panel examples all run."""

from __future__ import annotations

import re
import struct
import subprocess
import sys

import pytest

from bakes import DEFAULT_PYTHON, OPTIONS, ROOT, project_files
from suites import copy_with, needs_chromium, run_suite

SCREENSHOTS = ROOT / "docs" / "screenshots"
GUIDE = ROOT / "docs" / "migrating-from-streamlit.md"
GUIDE_IN_PROJECT = "docs/migrating-from-streamlit.md"


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("ui_template", OPTIONS["ui_template"])
def test_the_readme_shows_a_screenshot_of_each_ui_template(ui_template):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"(docs/screenshots/{ui_template}.png)" in readme
    assert png_size(SCREENSHOTS / f"{ui_template}.png") == (1000, 600)


@pytest.mark.slow  # a bake, a sync, a server and a browser, for pictures checked above
@needs_chromium
def test_the_screenshot_script_makes_them_from_a_baked_project(tmp_path):
    command = [sys.executable, str(ROOT / "docs" / "make_screenshots.py"), "vanilla"]
    result = subprocess.run(
        [*command, "--out", str(tmp_path)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert png_size(tmp_path / "vanilla.png") == (1000, 600)


def tree_python_files(readme: str) -> set[str]:
    """The .py files the README's tree of a default project names, by path."""
    tree = readme.split("\npanel-app/\n", 1)[1].split("```", 1)[0]
    named, folder = set(), ""
    for line in tree.splitlines():
        if top := re.match(r"[├└]── (\S+)", line):
            folder = top[1] if top[1].endswith("/") else ""
            named.add(top[1])
        elif nested := re.match(r"│\s+[├└]── (\S+)", line):
            named.add(folder + nested[1])
    return {name for name in named if name.endswith(".py")}


def test_the_readme_tree_names_the_python_files_of_a_default_project(default_project):
    named = tree_python_files((ROOT / "README.md").read_text(encoding="utf-8"))
    have = {path for path in project_files(default_project) if path.endswith(".py")}
    assert named - have == set(), "README.md's tree names files a default project lacks"
    assert {path for path in have if path.startswith("tests/")} - named == set(), (
        "README.md's tree leaves out these test files"
    )


def guide_run(default_project, tmp_path, guide):
    files = {
        "tests/test_migration_guide.py": ROOT / "evidence/test_migration_guide.py",
        GUIDE_IN_PROJECT: guide,
    }
    project = copy_with(default_project, tmp_path / default_project.name, files)
    return run_suite(project, DEFAULT_PYTHON, "tests/test_migration_guide.py")


@pytest.mark.slow  # two suite runs (20 s) for the docs, not the generated project
def test_every_panel_example_of_the_migration_guide_runs(default_project, tmp_path):
    run = guide_run(default_project, tmp_path, GUIDE)
    assert run.returncode == 0, run.output[-4000:]
    assert len(run.named("passed")) == 6, run.output[-2000:]


@pytest.mark.slow
def test_a_wrong_migration_example_is_caught(default_project, tmp_path):
    """The guide's examples are tested: break one, and its test fails."""
    broken = tmp_path / "guide.md"
    text = GUIDE.read_text(encoding="utf-8")
    assert "self.count += 1" in text
    broken.write_text(text.replace("self.count += 1", "self.count += 2"), encoding="utf-8")
    run = guide_run(default_project, tmp_path / "run", broken)
    assert run.named("failed") == {"test_counter"}, run.output[-3000:]
