"""Benchmark the served app: `python scripts/bench.py [--sessions N] [--clicks N] [--procs N]`.

Serves app.py with `panel serve` and drives it over the websocket the way
browsers do (no browser needed), measuring what serving many users costs:

- session creation time;
- server CPU per "Add new row" click (from the OS), at 0 and at 300 rows, and
  with every other session open but idle;
- messages an idle session receives when another session clicks, and the
  server's CPU while nobody clicks;
- memory per open session, and what is left once all sessions have closed;
- N sessions clicking M times concurrently: no click lost, no row in the
  wrong session.

It prints a table, and last a JSON line for scripts. It is a benchmark, not a
test: it reports figures and leaves judging them to you (the README lists the
targets).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

import psutil
from tornado.httpclient import AsyncHTTPClient

from {{ cookiecutter.package_name }}.testing import (
    LiveSession,
    Snapshot,
    serve,
)

ROOT = Path(__file__).resolve().parents[1]


def server_processes(pid: int) -> list[psutil.Process]:
    parent = psutil.Process(pid)
    return [parent, *parent.children(recursive=True)]


def cpu_seconds(pid: int) -> float:
    return sum(p.cpu_times().user + p.cpu_times().system for p in server_processes(pid))


def rss_mb(pid: int) -> float:
    return sum(p.memory_info().rss for p in server_processes(pid)) / 2**20


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def has_rows(count: int):
    return lambda snapshot: len(snapshot.values) == count


async def click_and_wait(session: LiveSession, label: str, rows: int) -> Snapshot:
    await session.click(label)
    return await session.wait_for(has_rows(rows), timeout=60)


async def cpu_ms_per_click(session: LiveSession, pid: int, start_rows: int, clicks: int) -> float:
    """Server CPU per "Add new row" click, starting at `start_rows` rows."""
    await click_and_wait(session, "Clear all rows", 0)
    for _ in range(start_rows):  # fill up, unmeasured
        await session.click("Add new row")
    await session.wait_for(has_rows(start_rows), timeout=120)
    before = cpu_seconds(pid)
    for n in range(clicks):
        await click_and_wait(session, "Add new row", start_rows + n + 1)
    return (cpu_seconds(pid) - before) * 1000 / clicks


async def rss_once_culled(server, timeout: float = 120) -> float:
    """Server memory once it has discarded every closed session."""
    deadline = time.monotonic() + timeout
    while True:
        url = f"http://127.0.0.1:{server.port}/rest/session_info"
        response = await AsyncHTTPClient().fetch(url)
        if json.loads(response.body)["session_info"]["live"] == 0:
            return rss_mb(server.process.pid)
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not discard closed sessions")
        await asyncio.sleep(0.25)


async def measure(
    server,
    sessions: int,
    clicks: int,
    rows: int,
    idle_seconds: float = 2,
    settle_seconds: float = 12,
) -> dict:
    url, pid = server.app_url, server.process.pid
    results: dict = {"sessions": sessions, "clicks": clicks}

    # Warm up: the first session loads code and fills caches, and its clicks take
    # every path a click takes (the first ones cost more); then let it be culled.
    warm = await LiveSession.open(url)
    await cpu_ms_per_click(warm, pid, 0, clicks)
    await warm.close()
    baseline = await rss_once_culled(server)
    # Panel collects a destroyed session's garbage 5-10 s later: not on the clicks' bill.
    await asyncio.sleep(settle_seconds)

    # One session alone on the server; then the same clicks with one idle
    # neighbour, counting what it receives (clicks, plus the clear before them).
    active = await LiveSession.open(url)
    results["cpu_ms_per_click_0_rows"] = await cpu_ms_per_click(active, pid, 0, clicks)
    idle = await LiveSession.open(url)
    await idle.roundtrip()
    pushes_before = idle.pushes
    await cpu_ms_per_click(active, pid, 0, clicks)
    await idle.roundtrip()
    results["msgs_to_idle_session_per_click"] = (idle.pushes - pushes_before) / (clicks + 1)
    # Nobody clicking: what the server does on its own (see src/.../panel_fixes.py).
    before = cpu_seconds(pid)
    await asyncio.sleep(idle_seconds)
    results["idle_server_cpu_percent"] = (cpu_seconds(pid) - before) * 100 / idle_seconds
    results["cpu_ms_per_click_300_rows"] = await cpu_ms_per_click(active, pid, rows, clicks)
    results["rows_for_large_measure"] = rows
    await click_and_wait(active, "Clear all rows", 0)

    # Open many sessions, one after another: creation time and memory per session.
    created, times = [], []
    for _ in range(sessions):
        started = time.perf_counter()
        created.append(await LiveSession.open(url))
        times.append((time.perf_counter() - started) * 1000)
    results["session_create_ms_p50"] = statistics.median(times)
    results["session_create_ms_p95"] = percentile(times, 95)
    peak = rss_mb(pid)
    results["rss_mb_per_session"] = (peak - baseline) / sessions

    # The same clicks in one session, with all the others open and idle.
    with_idle = await cpu_ms_per_click(active, pid, 0, clicks)
    results[f"cpu_ms_per_click_{sessions}_idle_sessions"] = with_idle
    results["idle_sessions_cpu_ratio"] = with_idle / results["cpu_ms_per_click_0_rows"]

    # Everyone clicks at once.
    async def user(session: LiveSession) -> tuple[int, list[float]]:
        latencies = []
        for n in range(clicks):
            started = time.perf_counter()
            await session.click("Add new row")
            await session.wait_for(has_rows(n + 1), timeout=120)
            latencies.append((time.perf_counter() - started) * 1000)
        await session.roundtrip(timeout=120)  # a swamped server answers late
        return len(session.snapshot().values), latencies

    started = time.perf_counter()
    outcomes = await asyncio.gather(*(user(session) for session in created))
    peak = max(peak, rss_mb(pid))
    elapsed = time.perf_counter() - started
    latencies = [ms for _, per_session in outcomes for ms in per_session]
    results["clicks_lost"] = sum(max(0, clicks - rows_seen) for rows_seen, _ in outcomes)
    results["cross_session_rows"] = sum(max(0, rows_seen - clicks) for rows_seen, _ in outcomes)
    results["concurrent_clicks_per_s"] = sessions * clicks / elapsed
    results["concurrent_click_ms_p95"] = percentile(latencies, 95)

    # Close everything; once the server has culled the sessions, what memory is left?
    for session in [*created, active, idle]:
        await session.close()
    await rss_once_culled(server)
    await asyncio.sleep(settle_seconds)  # and Panel has collected their garbage
    after = rss_mb(pid)
    results["rss_mb_peak_growth"] = peak - baseline
    results["rss_mb_after_close"] = max(0.0, after - baseline)

    # Memory kept after closing is either leaked or held for reuse by the allocator:
    # a second wave of sessions tells which (reuse costs it next to nothing).
    second = [await LiveSession.open(url) for _ in range(sessions)]
    results["rss_mb_per_session_second_wave"] = (rss_mb(pid) - after) / sessions
    for session in second:
        await session.close()
    await rss_once_culled(server)
    return results


TABLE = [
    ("sessions", "sessions", "{:.0f}"),
    ("session_create_ms_p50", "session creation p50 (ms)", "{:.1f}"),
    ("session_create_ms_p95", "session creation p95 (ms)", "{:.1f}"),
    ("cpu_ms_per_click_0_rows", "server CPU per click, 0 rows (ms)", "{:.1f}"),
    ("cpu_ms_per_click_300_rows", "server CPU per click, large page (ms)", "{:.1f}"),
    ("idle_sessions_cpu_ratio", "CPU per click, idle sessions open vs none", "{:.2f}x"),
    ("msgs_to_idle_session_per_click", "messages to an idle session per click", "{:.2f}"),
    ("idle_server_cpu_percent", "server CPU with nobody clicking (%)", "{:.0f}"),
    ("rss_mb_per_session", "memory per open session (MB)", "{:.2f}"),
    ("rss_mb_peak_growth", "memory growth at peak (MB)", "{:.1f}"),
    ("rss_mb_after_close", "memory left after all closed (MB)", "{:.1f}"),
    ("rss_mb_per_session_second_wave", "memory per session, second wave (MB)", "{:.2f}"),
    ("concurrent_clicks_per_s", "clicks/s, everyone clicking", "{:.1f}"),
    ("concurrent_click_ms_p95", "click latency p95, everyone clicking (ms)", "{:.0f}"),
    ("clicks_lost", "clicks lost", "{:.0f}"),
    ("cross_session_rows", "rows shown in the wrong session", "{:.0f}"),
]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Benchmark the served app over the websocket.")
    parser.add_argument("--sessions", type=int, default=50, help="concurrent sessions (default 50)")
    parser.add_argument("--clicks", type=int, default=20, help="clicks per session (default 20)")
    parser.add_argument("--rows", type=int, default=300, help="rows for the large-page measure")
    parser.add_argument("--procs", type=int, default=1, help="panel serve --num-procs (default 1)")
    parser.add_argument(
        "--entry",
        type=Path,
        default=ROOT / "app.py",
        help="the app to serve (default: app.py); any app with the same two buttons and "
        '"Enter a number" inputs works, e.g. to compare with a plain Panel script',
    )
    args = parser.parse_args(argv)

    # Closed sessions are freed after a second (fine for this client, which opens its
    # websocket right after the page; browsers need longer), and /rest/session_info
    # tells when they are gone, so memory is measured then.
    flags = ["--unused-session-lifetime", "1000", "--check-unused-sessions", "250"]
    flags += ["--rest-session-info"]
    if args.procs != 1:
        flags += ["--num-procs", str(args.procs)]
    with serve(args.entry.resolve(), *flags) as server:
        results = asyncio.run(measure(server, args.sessions, args.clicks, args.rows))
    results["procs"] = args.procs
    results["entry"] = str(args.entry)
    print(report(results))
    return results


def report(results: dict) -> str:
    """The human table, then one JSON line for scripts."""
    width = max(len(label) for _, label, _ in TABLE)
    lines = [f"{label:<{width}}  {fmt.format(results[key])}" for key, label, fmt in TABLE]
    return "\n".join([*lines, json.dumps(results, sort_keys=True)])


if __name__ == "__main__":
    main()
