"""Each distinct generated suite passes, under the Python version it names, once.

Which combinations share a suite run is declared in bakes.SUITE_OPTIONS: the options
outside it only touch files in NOT_READ_BY_SUITES (and build metadata), which the test
below checks, and every run goes without those files, which proves no test needs them.
LESS_A_TEST's other choice only takes its test away, which the test below checks too.
"""

import math
import re

import pytest

from bakes import (
    BUILD_ONLY,
    DEFAULT,
    DEFAULT_PYTHON,
    LESS_A_TEST,
    NOT_READ_BY_SUITES,
    OPTIONS,
    ROOT,
    SUITE_OPTIONS,
    all_combinations,
    project_files,
    pyproject_as_tools_read,
)
from suites import chromium, copy_with, run_suite


def test_the_full_matrix_is_every_combination_of_every_option_and_the_readme_says_how_many():
    combinations = {tuple(c.values()) for c in all_combinations()}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = int(re.search(r"`--matrix=full`: all (\d+)\)", readme)[1])  # CI time grows with it
    assert len(combinations) == math.prod(len(choices) for choices in OPTIONS.values())
    assert len(combinations) == said, f"README.md: `--matrix=full`: all {len(combinations)})"


def as_suites_read(project) -> dict[str, object]:
    files = project_files(project)
    pyproject = pyproject_as_tools_read(files.pop("pyproject.toml").decode())
    unread = NOT_READ_BY_SUITES | set(BUILD_ONLY)
    return {"pyproject.toml": pyproject} | {k: v for k, v in files.items() if k not in unread}


def test_suite_options_are_exactly_the_options_that_change_what_suites_read(bakery):
    default = as_suites_read(bakery(DEFAULT).project_path)
    for option, choices in OPTIONS.items():
        read = [as_suites_read(bakery(DEFAULT | {option: c}).project_path) for c in choices[1:]]
        changes = [sorted(k for k in view.keys() | default.keys() if view.get(k) != default.get(k))
                   for view in read]  # fmt: skip
        if option == LESS_A_TEST[0]:
            continue  # the test below
        if option in SUITE_OPTIONS:
            assert all(changes), f"{option}: a choice changes no file a suite reads; undeclare it"
        else:
            assert not any(changes), (
                f"{option} changes {changes}: if no generated test reads them, add its answers "
                f"to NOT_READ_BY_SUITES; if one does, add {option} to SUITE_OPTIONS"
            )


def test_the_other_pre_commit_choice_only_takes_away_its_test(bakery):
    option, with_test, files = LESS_A_TEST
    assert DEFAULT[option] == with_test
    [without] = [c for c in OPTIONS[option] if c != with_test]
    full = as_suites_read(bakery(DEFAULT).project_path)
    less = as_suites_read(bakery(DEFAULT | {option: without}).project_path)
    dev = full["pyproject.toml"]["dependency-groups"]["dev"]
    assert [d for d in dev if d.startswith("pre-commit")], dev
    full["pyproject.toml"]["dependency-groups"]["dev"] = [
        d for d in dev if not d.startswith("pre-commit")
    ]
    assert files <= full.keys()
    assert {name: read for name, read in full.items() if name not in files} == less


def test_generated_suite_passes(suite, bakery, tmp_path):
    project = bakery(suite).project_path
    unread = {name: None for name in NOT_READ_BY_SUITES if (project / name).exists()}
    run = run_suite(copy_with(project, tmp_path / project.name, unread), suite["python_version"])
    assert run.returncode == 0, run.output[-6000:]
    assert run.named("passed")
    assert not run.named("failed")
    skipped = {name for name, outcome in run.outcomes.items() if outcome == "skipped"}
    allowed = set() if chromium() else {name for name in skipped if name.endswith("[chromium]")}
    assert skipped == allowed, run.output[-3000:]


@pytest.mark.slow  # a suite run (8 s of CPU) for a message the suite's code rarely changes
def test_without_a_browser_the_suite_says_in_one_line_what_did_not_run(default_project, tmp_path):
    project = copy_with(default_project, tmp_path / default_project.name, {})
    no_browser = {"CHROMIUM_EXECUTABLE": str(tmp_path / "no-chromium"), "CI": None}
    run = run_suite(project, DEFAULT_PYTHON, "-m", "ui", env=no_browser)
    assert run.returncode == 0, run.output[-3000:]
    assert run.named("skipped"), run.output[-3000:]
    assert not run.named("passed"), run.output[-3000:]
    said = [line for line in run.output.splitlines() if "playwright install" in line]
    assert len(said) == 1, run.output[-3000:]
    skipped = [name.split("::")[-1] for name, o in run.outcomes.items() if o == "skipped"]
    assert all(name in said[0] for name in skipped), said
    assert "uv run playwright install --with-deps chromium" in said[0]
