"""benchmarks/bench.py measures and reports what it should, on small numbers. Judging
the figures is for people (docs/performance.md); this checks the command works."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bakes import DEFAULT_PYTHON, ROOT
from suites import copy_with, find_python

FIGURES = {
    "sessions", "session_create_ms_p50", "session_create_ms_p95", "rss_mb_per_session",
    "rss_mb_after_close", "cpu_ms_per_click_0_rows", "cpu_ms_per_click_many_rows",
    "clicks_lost", "cross_session_rows", "msgs_to_idle_session_per_click",
    "rss_mb_per_session_second_wave", "idle_server_cpu_percent", "idle_sessions_cpu_ratio",
}  # fmt: skip


@pytest.mark.slow
def test_the_benchmark_measures_a_baked_project_and_another_app_beside_it(
    default_project, tmp_path
):
    project = copy_with(default_project, tmp_path / default_project.name, {})  # it gets a uv.lock
    python, origin = find_python(DEFAULT_PYTHON)
    if python is None:
        pytest.skip(origin)
    command = [sys.executable, str(ROOT / "benchmarks" / "bench.py"), str(project),
               "--entry", str(ROOT / "benchmarks" / "plain_panel_app.py"),
               "--sessions", "2", "--clicks", "2", "--rows", "5", "--settle", "0"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    *table, ours, plain = done.stdout.splitlines()
    assert table[0].split() == ["app.py", "plain_panel_app.py"]
    assert any(line.startswith("clicks lost") and line.split()[-2:] == ["0", "0"] for line in table)
    ours, plain = json.loads(ours), json.loads(plain)
    assert ours.keys() >= FIGURES
    assert (ours["sessions"], ours["clicks_lost"], ours["cross_session_rows"]) == (2, 0, 0)
    # What the template fixes, seen side by side: the plain app's busy indicator is
    # process-wide (2 messages per click to every idle session), ours sends none.
    assert (ours["msgs_to_idle_session_per_click"], plain["msgs_to_idle_session_per_click"]) == (
        0,
        2,
    )


@pytest.mark.slow
def test_the_metrics_benchmark_compares_metrics_on_and_off(default_project, tmp_path):
    project = copy_with(default_project, tmp_path / default_project.name, {})
    command = [sys.executable, str(ROOT / "benchmarks" / "metrics_cost.py"), str(project),
               "--rounds", "1", "--sessions", "2", "--clicks", "3"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    off, on, ratio = done.stdout.splitlines()[-3:]
    assert off.startswith("cpu ms per click, metrics off: ")
    assert on.startswith("cpu ms per click, metrics on: ")
    assert float(ratio.removeprefix("on / off: ")) > 0


@pytest.mark.slow
def test_the_paced_benchmark_reports_users_per_process(default_project, tmp_path):
    project = copy_with(default_project, tmp_path / default_project.name, {})
    command = [sys.executable, str(ROOT / "benchmarks" / "bench.py"), str(project),
               "--paced", "--seconds", "3", "--most", "10"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    _, line, figures = done.stdout.splitlines()[-3:]
    assert line.startswith("users, click p95 under 250 ms (paced)")
    [step] = json.loads(figures)["paced"]
    assert (step["users"], step["clicks"] >= 10) == (10, True), step
