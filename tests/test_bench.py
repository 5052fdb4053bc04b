"""The benchmarks measure and report what they should, on small numbers. Judging the
figures is for people (docs/performance.md); this checks the commands work."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bakes import DEFAULT_PYTHON, OPTIONS, ROOT
from suites import copy_with, find_python, needs_chromium

pytestmark = pytest.mark.slow
PLAIN = str(ROOT / "benchmarks" / "plain_panel_app.py")
FIGURES = {
    "sessions", "session_create_ms_p50", "session_create_ms_p95", "rss_mb_per_session",
    "rss_mb_after_close", "cpu_ms_per_click_0_rows", "cpu_ms_per_click_many_rows",
    "clicks_lost", "cross_session_rows", "msgs_to_idle_session_per_click",
    "rss_mb_per_session_second_wave", "idle_server_cpu_percent", "idle_sessions_cpu_ratio",
}  # fmt: skip


@pytest.fixture
def project(default_project, tmp_path):
    if find_python(DEFAULT_PYTHON)[0] is None:
        pytest.skip(find_python(DEFAULT_PYTHON)[1])
    return copy_with(default_project, tmp_path / default_project.name, {})  # it gets a uv.lock


def run(script: str, project, *args: str) -> list[str]:
    command = [sys.executable, str(ROOT / "benchmarks" / script), str(project), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


def test_the_benchmark_measures_a_baked_project_and_another_app_beside_it(project):
    *table, ours, plain = run("bench.py", project, "--entry", PLAIN, "--sessions", "2",
                              "--clicks", "2", "--rows", "5", "--settle", "0")  # fmt: skip
    assert table[0].split() == ["app.py", "plain_panel_app.py"]
    assert any(line.startswith("clicks lost") and line.split()[-2:] == ["0", "0"] for line in table)
    ours, plain = json.loads(ours), json.loads(plain)
    assert ours.keys() >= FIGURES
    assert (ours["sessions"], ours["clicks_lost"], ours["cross_session_rows"]) == (2, 0, 0)
    # What the template fixes, seen side by side: the plain app's busy indicator is
    # process-wide (2 messages per click to every idle session), ours sends none.
    assert (ours["msgs_to_idle_session_per_click"], plain["msgs_to_idle_session_per_click"]) == (0, 2)  # fmt: skip


@needs_chromium
def test_the_costs_benchmark_gives_a_session_start_and_clicks_as_ratios(project):
    *table, figures = run("bench.py", project, "--entry", PLAIN, "--costs", "--rounds", "1",
                          "--gets", "2", "--at", "0,3", "--clicks", "2", "--browser", "1")  # fmt: skip
    assert table[0].split()[-3:] == ["app.py", "plain_panel_app.py", "ratio"]
    labels = ["per new session (page GET)", "per click at 0 rows", "per click at 3 rows",
              "per click at 0 rows (Chromium)", "per click at 3 rows (Chromium)",
              "per new session (Chromium)"]  # fmt: skip
    assert [line[:44].strip() for line in table[1:]] == labels
    medians = json.loads(figures)["medians"]
    for app in ("app.py", "plain_panel_app.py"):  # idle CPU subtracted, so no busy loop counted
        assert medians[app].keys() == {"get_ms", "click_ms_at_0_rows", "click_ms_at_3_rows",
                                       "browser_click_ms_at_0_rows", "browser_click_ms_at_3_rows",
                                       "browser_session_ms"}  # fmt: skip
        assert all(ms > 1 for ms in medians[app].values()), medians


def test_the_metrics_benchmark_compares_metrics_on_and_off(default_project, tmp_path):
    """On a project that needs the newest Python offered: the benchmarks serve a project
    with the Python it asks for, not the default."""
    newest = OPTIONS["python_version"][-1]
    if find_python(newest)[0] is None:
        pytest.skip(find_python(newest)[1])
    needs = [(f'requires-python = ">={DEFAULT_PYTHON}"', f'requires-python = ">={newest}"')]
    project = copy_with(default_project, tmp_path / default_project.name, {"pyproject.toml": needs})
    off, on, ratio = run("metrics_cost.py", project, "--rounds", "1", "--sessions", "2",
                         "--clicks", "3")[-3:]  # fmt: skip
    assert off.startswith("cpu ms per click, metrics off: ")
    assert on.startswith("cpu ms per click, metrics on: ")
    assert float(ratio.removeprefix("on / off: ")) > 0


def test_the_paced_benchmark_reports_users_per_process(project):
    _, line, figures = run("bench.py", project, "--paced", "--seconds", "3", "--most", "10")[-3:]
    assert line.startswith("users, click p95 under 250 ms (paced)")
    [step] = json.loads(figures)["paced"]
    assert (step["users"], step["clicks"] >= 10, step["sessions"]) == (10, True, 10), step
    assert step["rss_mb"][1] > step["rss_mb"][0], step  # the server grew by the sessions


def test_the_paced_benchmark_replaces_users_who_leave(project):
    figures = run("bench.py", project, "--paced", "--seconds", "4", "--most", "10",
                  "--lifetime", "1,2")[-1]  # fmt: skip
    [step] = json.loads(figures)["paced"]
    assert step["sessions"] >= 20, step  # each of 10 users left at least once in 4-6 s


@pytest.mark.parametrize("lifetime", ["30", "60,30", "0,5", "a,b"])
def test_the_paced_benchmark_refuses_a_lifetime_it_cannot_use(lifetime):
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "bench.py"),
        "no-such-project",  # were the option taken, this would fail at once, not bake
        "--paced",
        "--lifetime",
        lifetime,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert f"--lifetime: {lifetime!r}" in done.stderr, done.stderr


@pytest.mark.parametrize("script", ["bench.py", "metrics_cost.py"])
def test_a_python_the_project_asks_for_but_is_missing_is_named_without_a_traceback(
    script, default_project, tmp_path
):
    needs = [(f'requires-python = ">={DEFAULT_PYTHON}"', 'requires-python = ">=3.99"')]
    project = copy_with(default_project, tmp_path / default_project.name, {"pyproject.toml": needs})
    command = [sys.executable, str(ROOT / "benchmarks" / script), str(project)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.strip().startswith("no python3.99 (looked at $PYTHON3_99"), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
