"""Every combination's generated test suite passes, under the Python version it names.

Combinations whose suite inputs (every file a generated test can read) are
byte-identical share one run; the tests below check that grouping, and that
every selected combination belongs to exactly one run.
"""

from __future__ import annotations

import math
import shutil

import checkers
from bakes import (
    NOT_READ_BY_GENERATED_TESTS,
    OPTIONS,
    all_combinations,
    project_files,
    selected_combinations,
    suite_inputs,
)
from generated_suites import chromium_for_suites

# Tests a generated suite may skip, by option: they check files the option removes.
EXPECTED_SKIPS = {("pre_commit", "no"): {"test_pre_commit_runs_the_pinned_ruff"}}


def test_the_full_matrix_is_every_combination_of_every_option():
    assert len(all_combinations()) == math.prod(len(choices) for choices in OPTIONS.values()) == 384
    assert len(set(all_combinations())) == 384


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
