"""scripts/bench.py measures and reports what it should. Judging the figures is for
people (README.md, "Performance"); this only checks it works, on small numbers,
in this process (`python scripts/bench.py` does the same with the real load).

The server frees closed sessions after 300 ms, so memory can be measured soon.
That is only safe for clients as quick as these: a browser that takes longer to
open its websocket after loading the page would find its session gone.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path

from {{ cookiecutter.package_name }}.testing import serve

BENCH = Path(__file__).resolve().parents[1] / "scripts" / "bench.py"
FIGURES = {
    "sessions", "session_create_ms_p50", "session_create_ms_p95", "rss_mb_per_session",
    "rss_mb_after_close", "cpu_ms_per_click_0_rows", "cpu_ms_per_click_300_rows",
    "clicks_lost", "cross_session_rows", "msgs_to_idle_session_per_click",
    "rss_mb_per_session_second_wave", "idle_server_cpu_percent",
}  # fmt: skip


def load_bench():
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_the_benchmark_measures_and_reports_its_figures():
    bench = load_bench()
    flags = ["--rest-session-info", "--unused-session-lifetime", "300"]
    with serve(bench.ROOT / "app.py", *flags, "--check-unused-sessions", "75") as server:
        figures = asyncio.run(
            bench.measure(server, sessions=2, clicks=2, rows=5, idle_seconds=0.5, settle_seconds=0)
        )
    *table, last = bench.report(figures).splitlines()
    assert json.loads(last) == figures
    assert figures.keys() >= FIGURES
    assert any(line.startswith("clicks lost") for line in table)
    assert figures["sessions"] == 2
    assert figures["clicks_lost"] == 0
    assert figures["cross_session_rows"] == 0
    assert figures["msgs_to_idle_session_per_click"] == 0
