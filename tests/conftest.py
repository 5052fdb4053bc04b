"""Switches and fixtures for the template's tests.

`pytest` bakes the few combinations that use every choice of every option; `--matrix=full`
bakes all of them. `--slow` adds the slow evidence (tests marked `slow`), as CI does.
Tests run under pytest-xdist; a combination's tests stay on one worker (its xdist_group),
so each worker bakes only the combinations it tests.
"""

import os
import tempfile

import cookiecutter.generate
import jinja2
import pytest

from bakes import (
    DEFAULT,
    OPTIONS,
    bake,
    combination_id,
    selected_combinations,
    suite_runs,
)
from suites import chromium, find_python

collect_ignore = ["replacement_page"]  # a page a test copies into a bake


def pytest_addoption(parser):
    parser.addoption("--matrix", choices=("fast", "full"), default="fast",
                     help="fast: a few combinations covering every choice; full: all of them")  # fmt: skip
    parser.addoption("--slow", action="store_true",
                     help="also run the slow evidence: drain, faults, memory, scale-out, sign-in, benchmark")  # fmt: skip


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: three workers per two cores, as suite runs wait on servers and browsers
    part of the time (2 cores: 96% busy against 87% with two). With --slow, one per core:
    the slow evidence's time bounds (a click within 15 s during a burst) need the room."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores if config.getoption("--slow") else max(2, cores * 3 // 2)


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--slow"):
        for item in items:
            if item.get_closest_marker("slow"):
                item.add_marker(pytest.mark.skip(reason="slow evidence: run with --slow"))


def pytest_generate_tests(metafunc):
    combinations = selected_combinations(metafunc.config)
    if "combination" in metafunc.fixturenames:
        ids = [combination_id(c) for c in combinations]
        params = [
            pytest.param(c, id=i, marks=pytest.mark.xdist_group(i))
            for c, i in zip(combinations, ids, strict=True)
        ]
        metafunc.parametrize("combination", params)
    if "suite" in metafunc.fixturenames:
        suites = suite_runs(metafunc.config)
        metafunc.parametrize("suite", [suites[key] for key in sorted(suites)], ids=sorted(suites))


@pytest.fixture(scope="session", autouse=True)
def temp_dir(tmp_path_factory):
    """cookiecutter leaves every hook it runs in the temp dir (cookiecutter#886): point this
    process's and its children's temp dir into pytest's own, which pytest prunes."""
    temp = tmp_path_factory.mktemp("tmp")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(temp))
        patch.setattr(tempfile, "tempdir", str(temp))
        yield temp


@pytest.fixture(scope="session", autouse=True)
def compiled_once(tmp_path_factory):
    """cookiecutter makes a Jinja environment per bake, which compiles every file again:
    give each one Jinja's bytecode cache (keyed by file, checked against its text), and a
    bake takes a quarter less CPU."""
    compiled = jinja2.FileSystemBytecodeCache(str(tmp_path_factory.mktemp("jinja")))
    create_environment = cookiecutter.generate.create_env_with_context

    def with_cache(context):
        environment = create_environment(context)
        environment.bytecode_cache = compiled
        return environment

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cookiecutter.generate, "create_env_with_context", with_cache)
        yield


@pytest.fixture(scope="session")
def bakery(cookies_session, temp_dir):
    """Bake a combination (a dict of answers) once per worker; returns pytest-cookies' result."""
    results = {}

    def bake_once(answers: dict[str, str]):
        key = combination_id(answers)
        if key not in results:
            results[key] = bake(cookies_session, **answers)
        return results[key]

    return bake_once


@pytest.fixture
def baked(bakery, combination):
    return bakery(combination)


@pytest.fixture(scope="session")
def default_project(bakery):
    """The project `cookiecutter --no-input` makes (copy it before changing it)."""
    return bakery(DEFAULT).project_path


def pytest_terminal_summary(terminalreporter, config):
    """Say what could not run here, and how to make it run."""
    lines = [f"python {v}: {find_python(v)[1]}" for v in OPTIONS["python_version"]]
    lines.append(
        f"browser for the generated ui tests: {chromium() or 'none: apt-get install chromium-headless-shell'}"
    )
    terminalreporter.section("interpreters and browser")
    for line in lines:
        terminalreporter.write_line(line)
