"""Every combination's generated test suite passes, under the Python version it names.

Combinations whose suite inputs are identical share one run: every file a generated
test can read, byte for byte, but pyproject.toml as read, without the package metadata
(license, license-files, classifiers) that only a build reads. So the license choice
never splits a run. The tests below check that grouping, probe that nothing read
differs, and check that every selected combination belongs to exactly one run.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import tomllib

import checkers
from bakes import (
    DEFAULT_PYTHON,
    NOT_READ_BY_GENERATED_TESTS,
    OPTIONS,
    UNREAD_PYPROJECT_KEYS,
    Combination,
    all_combinations,
    project_files,
    selected_combinations,
    suite_inputs,
)
from generated_suites import SuiteBoard, chromium_for_suites

# Tests a generated suite may skip, by option: they check files the option removes.
EXPECTED_SKIPS = {("pre_commit", "no"): {"test_pre_commit_runs_the_pinned_ruff"}}


def test_the_full_matrix_is_every_combination_of_every_option():
    assert len(all_combinations()) == math.prod(len(c) for c in OPTIONS.values()) == 1152
    assert len(set(all_combinations())) == 1152


def test_every_selected_combination_belongs_to_exactly_one_run(request, matrix_runs):
    grouped = [c for members in matrix_runs.groups.values() for c in members]
    assert sorted(grouped, key=lambda c: c.id) == sorted(
        selected_combinations(request.config), key=lambda c: c.id
    )
    assert len(grouped) == len(set(grouped))


def test_combinations_share_a_run_only_when_their_suite_inputs_are_identical(bakery, matrix_runs):
    for (python_version, _), members in matrix_runs.groups.items():
        first = bakery(members[0]).project_path
        for other in members[1:]:
            assert other.context["python_version"] == python_version
            assert suite_inputs(bakery(other).project_path) == suite_inputs(first), (
                f"{other.id} shares a run with {members[0].id} but its suite inputs differ"
            )


def test_combinations_whose_suite_inputs_are_identical_share_a_run(bakery, matrix_runs):
    """The converse: runs are keyed by suite inputs, not by every file of the project."""
    for key, members in matrix_runs.groups.items():
        for combination in members:
            project = bakery(combination).project_path
            assert SuiteBoard.key(project, key[0], inputs=suite_inputs) == key, combination.id


def test_the_license_choice_changes_no_suite_input(bakery):
    default = all_combinations()[0]
    expected = suite_inputs(bakery(default).project_path)
    for license in OPTIONS["license"][1:]:
        choices = tuple((k, license if k == "license" else v) for k, v in default.choices)
        assert suite_inputs(bakery(Combination(choices)).project_path) == expected, license


def test_no_suite_run_reads_a_file_that_runs_may_differ_in(matrix_runs):
    for [first, *_] in matrix_runs.groups.values():
        run = matrix_runs.run(first)
        assert run.opened, "the audit hook recorded nothing; it is not working"
        assert not run.opened & NOT_READ_BY_GENERATED_TESTS, run.project


# ruff, a Rust binary out of the audit hook's sight, reads more than .py files: it
# formats the Python blocks in Markdown. Of the files runs may differ in, it reads
# only the Python and Markdown ones, and test_bake.py runs ruff on every combination.
RUFF_READS_PER_COMBINATION = {"deploy/serve.py", "README.md", "docs/deploying.md"}


def test_of_the_files_runs_may_differ_in_ruff_reads_only_those_checked_per_combination(
    bakery, tmp_path
):
    project = tmp_path / "project"
    shutil.copytree(bakery(all_combinations()[0]).project_path, project)
    probed = []
    for name in NOT_READ_BY_GENERATED_TESTS:
        if (project / name).is_file():  # badly formatted Python, which ruff would flag
            python = "x=[ 1 ,2 ]\n"
            with (project / name).open("a", encoding="utf-8") as file:
                file.write(python if name.endswith(".py") else f"\n```python\n{python}```\n")
            probed.append(name)
    assert set(probed) >= RUFF_READS_PER_COMBINATION
    flagged = {line.split(":")[0] for line in checkers.ruff([project])[project.resolve()]}
    assert flagged == RUFF_READS_PER_COMBINATION


# Invalid if anything read it: a generated suite that passes anyway reads none of them.
BOGUS_METADATA = {
    "license": "NOT-A-LICENSE",
    "license-files": ["MISSING"],
    "classifiers": ["Bogus :: Not A Classifier"],
}


def test_of_pyproject_toml_runs_may_differ_in_metadata_no_generated_test_reads(
    bakery, matrix_runs, suite_board, tmp_path
):
    """The audit hook sees pyproject.toml opened, not which keys are read: run the default
    suite with those keys made invalid. Whether each combination's metadata is valid is
    tests/test_bake.py's to check (validate-pyproject and hatchling, per combination)."""
    assert set(BOGUS_METADATA) == set(UNREAD_PYPROJECT_KEYS)
    default = all_combinations()[0]
    project = tmp_path / "project"
    shutil.copytree(bakery(default).project_path, project)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    for key, value in BOGUS_METADATA.items():
        pattern = rf"(?ms)^{re.escape(key)} = (\[.*?\]|\".*?\")$"
        text, found = re.subn(pattern, f"{key} = {json.dumps(value)}", text, count=1)
        assert found == 1, key
    pyproject.write_text(text, encoding="utf-8")
    assert {k: tomllib.loads(text)["project"][k] for k in BOGUS_METADATA} == BOGUS_METADATA
    assert suite_inputs(project) == suite_inputs(bakery(default).project_path)

    run = suite_board.run(project, DEFAULT_PYTHON)  # every file compared: a run of its own
    assert run.project == project, "the probe shared a run instead of running"
    assert run.returncode == 0, run.output[-6000:]
    assert run.failed == []
    assert sorted(run.passed) == sorted(matrix_runs.run(default).passed), run.output[-2000:]


def test_generated_suite_passes(bakery, combination, matrix_runs):
    project = bakery(combination).project_path
    run = matrix_runs.run(combination)
    assert run.returncode == 0, run.output[-6000:]
    assert run.passed, run.output[-2000:]
    allowed = set().union(
        *(EXPECTED_SKIPS.get(item, set()) for item in combination.context.items())
    )
    skipped = {name.rsplit("::", 1)[-1] for name in run.skipped}
    if chromium_for_suites() is None:  # browser tests may skip only when there is no browser
        skipped = {name for name in skipped if not name.endswith("[chromium]")}
    assert skipped <= allowed, run.output[-2000:]
    assert run.failed == []
    assert set(project_files(project)) >= {"tests/test_session_isolation.py"}
