"""What serving the generated app costs, measured over the websocket the way browsers use it.

    python benchmarks/bench.py                      # bakes the default project, measures it
    python benchmarks/bench.py path/to/project      # a project you baked (or changed)
    python benchmarks/bench.py --entry benchmarks/plain_panel_app.py   # and another app beside it

For each app (the project's app.py, then each --entry) it serves the app with the
project's own tests/support.py, in the project's virtualenv (the one the template's
tests build), and measures:

- session creation time;
- server CPU per "Add new row" click (from the OS), at 0 and at --rows rows, and with
  every other session open but idle;
- messages an idle session receives when another session clicks, and the server's
  CPU while nobody clicks;
- memory per open session, what is left once all have closed, and what a second
  wave of sessions adds;
- --sessions users clicking --clicks times at once: no click lost, no row in the
  wrong session.

With --costs it measures instead what one user costs, in --rounds that alternate the
apps (this machine is noisy): server CPU per new session (a page GET, which makes the
session and runs the app's script) and per click at each of --at rows, each minus the
server's own CPU while nobody clicks, measured just before; with an --entry it prints
app.py's figures as ratios to the first entry's. `--browser N` adds N sessions opened
in Chromium (the page rendered, then closed) and --clicks clicks there at each of --at
rows, as a user's browser sends them and waits for the new row.

With --paced it measures instead how many people one process holds: N users arrive
spread over --seconds/2, then each clicks (adding rows, clearing at ten) and thinks
1-3 s; clicks are timed for --seconds once all have arrived. N grows until the
click p95 passes 250 ms. `--lifetime 30,60` makes users come and go: each session
ends after 30-60 s and a new user opens one in its place (closed sessions' memory
is then the server's to reclaim while others click).

It prints a table with a column per app, then one JSON line per app. It is a
benchmark, not a test: it reports figures and leaves judging them to people
(docs/performance.md). An --entry app needs the same two buttons and "Enter a
number" inputs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
ROW, ADD, CLEAR = "Enter a number", "Add new row", "Clear all rows"
NO_BUSY_LOOP = str(ROOT / "benchmarks" / "no_busy_loop.py")  # `panel serve --setup`
TABLE = [
    ("session_create_ms_p50", "session creation p50 (ms)", "{:.1f}"),
    ("session_create_ms_p95", "session creation p95 (ms)", "{:.1f}"),
    ("cpu_ms_per_click_0_rows", "server CPU per click, 0 rows (ms)", "{:.1f}"),
    ("cpu_ms_per_click_many_rows", "server CPU per click, --rows rows (ms)", "{:.1f}"),
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
PACED_TABLE = [("paced_users_p95_under_250ms", "users, click p95 under 250 ms (paced)", "{:.0f}")]


# -- Inside the project's virtualenv: serve one app and measure it --------------------------
def own_cpu_ms(cpu_seconds, work) -> float:
    """Server CPU ms that `work()` costs: minus what the server spends on its own (Panel
    1.10's busy loop can burn a core in an idle process), measured just before."""
    before, start = cpu_seconds(), time.monotonic()
    time.sleep(1)
    idle_per_second = (cpu_seconds() - before) / (time.monotonic() - start)
    before, start = cpu_seconds(), time.monotonic()
    work()
    return (cpu_seconds() - before - idle_per_second * (time.monotonic() - start)) * 1000


def served():
    """The `panel serve` that support.serve() started (Playwright's driver is a child too)."""
    import psutil

    [process] = [child for child in psutil.Process().children() if "panel" in child.cmdline()]
    return process


def server_cpu_seconds() -> float:
    times = served().cpu_times()
    return times.user + times.system


def server_rss_mb() -> float:
    return served().memory_info().rss / 2**20


def shown_rows(session) -> int:
    return sum(getattr(model, "title", None) == ROW for model in session.models())


def click(session, label: str, then_rows: int, timeout: float = 120) -> None:
    session.click(label)
    if not session.wait_for(lambda s: shown_rows(s) == then_rows, timeout=timeout):
        raise TimeoutError(f"{label!r} did not give {then_rows} rows")


def cpu_ms_per_click(session, start_rows: int, clicks: int) -> float:
    """Server CPU per "Add new row" on a page that has `start_rows` rows."""
    click(session, CLEAR, 0)
    for _ in range(start_rows):  # fill up, unmeasured
        session.click(ADD)
    session.wait_for(lambda s: shown_rows(s) == start_rows, timeout=300)
    adding = [
        lambda n=n: click(session, ADD, n) for n in range(start_rows + 1, start_rows + clicks + 1)
    ]
    return own_cpu_ms(server_cpu_seconds, lambda: [add() for add in adding]) / clicks


def browser_costs(url: str, sessions: int, clicks: int, at: list[int]) -> dict:
    """Server CPU per session opened in Chromium ($CHROMIUM_EXECUTABLE, else Playwright's),
    and per click there at each of `at` rows: a GET's work plus the websocket's, the
    browser's own events' and what the page loads late."""
    import os

    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_EXECUTABLE"), args=["--no-sandbox"]
        )

        def open_tab():
            page = browser.new_context().new_page()
            page.route(lambda u: urlsplit(u).hostname != "127.0.0.1", lambda r: r.fulfill(body=""))
            page.goto(url)
            page.get_by_role("button", name=ADD).wait_for()
            page.wait_for_load_state("networkidle")  # what loads late counts too
            return page

        def cpu_ms_per_click_in(page, start_rows: int) -> float:
            add, rows = page.get_by_role("button", name=ADD), page.get_by_label(ROW)
            page.get_by_role("button", name=CLEAR).click()
            expect(rows).to_have_count(0)
            for _ in range(start_rows):  # fill up, unmeasured
                add.click()
            expect(rows).to_have_count(start_rows, timeout=300_000)

            def adding() -> None:
                for count in range(start_rows + 1, start_rows + clicks + 1):
                    add.click()
                    rows.nth(count - 1).wait_for()

            return own_cpu_ms(server_cpu_seconds, adding) / clicks

        def opening() -> None:
            for _ in range(sessions):
                open_tab().context.close()

        # Clicks before the sessions: Bokeh discards closed sessions 15-32 s after they close
        # and Panel then collects their memory, which, inside the clicks, once doubled them.
        # (One tab at a time: the plain app's busy indicator pushes to every open one.)
        open_tab().context.close()  # warm up
        page = open_tab()
        results = {f"browser_click_ms_at_{n}_rows": cpu_ms_per_click_in(page, n) for n in at}
        page.context.close()
        results["browser_session_ms"] = own_cpu_ms(server_cpu_seconds, opening) / sessions
        browser.close()
    return results


def costs(entry: Path, clicks: int, gets: int, at: list[int], browser: int = 0) -> dict:
    """What one user costs the server: a new session (page GET), a click at each row count."""
    import urllib.request

    from client import Session
    from support import serve

    def open_pages(count: int) -> None:
        for _ in range(count):
            with urllib.request.urlopen(server.url, timeout=60) as page:
                page.read()

    flags = ["--unused-session-lifetime", "1000", "--check-unused-sessions", "250"]
    with serve(entry, *flags, "--setup", NO_BUSY_LOOP) as server:
        session = Session(server.url, timeout=120)
        open_pages(3)  # warm up: code loaded, caches filled, every path a click takes
        click(session, ADD, 1)
        click(session, CLEAR, 0)
        results: dict = {"entry": str(entry), "costs": True}
        results["get_ms"] = own_cpu_ms(server_cpu_seconds, lambda: open_pages(gets)) / gets
        for count in at:
            results[f"click_ms_at_{count}_rows"] = cpu_ms_per_click(session, count, clicks)
        session.close()
        if browser:
            results |= browser_costs(server.url, browser, clicks, at)
    return results


def measure(entry: Path, sessions: int, clicks: int, rows: int, settle: float) -> dict:
    from client import Session
    from support import serve

    def rss_once_culled() -> float:
        """Memory once the server has discarded every closed session (and, after
        `settle`, Panel has collected their garbage, which it does 5-10 s later)."""
        import urllib.request

        def live() -> int:
            url = f"http://127.0.0.1:{urlsplit(server.url).port}/rest/session_info"
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.load(response)["session_info"]["live"]

        deadline = time.monotonic() + 120
        while live():
            if time.monotonic() > deadline:
                raise TimeoutError("the server did not discard closed sessions")
            time.sleep(0.25)
        time.sleep(settle)
        return server_rss_mb()

    # Closed sessions are freed after a second (fine for this client, which opens its
    # websocket right after the page; browsers need longer).
    flags = ["--unused-session-lifetime", "1000", "--check-unused-sessions", "250"]
    results: dict = {"entry": str(entry), "sessions": sessions, "clicks": clicks, "rows": rows}
    with serve(entry, *flags) as server:  # one click, then nobody: what the server does alone
        lone = Session(server.url)
        click(lone, ADD, 1)
        time.sleep(1)
        before = server_cpu_seconds()
        time.sleep(2)
        results["idle_server_cpu_percent"] = (server_cpu_seconds() - before) * 100 / 2
        lone.close()
    # The rest without Panel 1.10's busy loop, as a browser's first events avoid it: with
    # it, one core would be busy all along and clicks would compete with it.
    with serve(entry, *flags, "--rest-session-info", "--setup", NO_BUSY_LOOP) as server:
        # Warm up: the first session loads code and fills caches, and its clicks take
        # every path a click takes; then let it be culled.
        warm = Session(server.url)
        cpu_ms_per_click(warm, 0, clicks)
        warm.close()
        baseline = rss_once_culled()

        # One session alone; then the same clicks with one idle neighbour, counting
        # what it receives (the clicks, plus the clear before them).
        active = Session(server.url)
        results["cpu_ms_per_click_0_rows"] = cpu_ms_per_click(active, 0, clicks)
        idle = Session(server.url)
        idle.roundtrip()
        pushes = idle.pushes
        cpu_ms_per_click(active, 0, clicks)
        idle.roundtrip()
        results["msgs_to_idle_session_per_click"] = (idle.pushes - pushes) / (clicks + 1)
        results["cpu_ms_per_click_many_rows"] = cpu_ms_per_click(active, rows, clicks)
        click(active, CLEAR, 0)

        # Many sessions, opened one after another: creation time, memory per session.
        created, times = [], []
        for _ in range(sessions):
            started = time.perf_counter()
            created.append(Session(server.url))
            times.append((time.perf_counter() - started) * 1000)
        results["session_create_ms_p50"] = statistics.median(times)
        results["session_create_ms_p95"] = sorted(times)[int(0.95 * (len(times) - 1))]
        peak = server_rss_mb()
        results["rss_mb_per_session"] = (peak - baseline) / sessions
        with_idle = cpu_ms_per_click(active, 0, clicks)
        results["idle_sessions_cpu_ratio"] = with_idle / results["cpu_ms_per_click_0_rows"]

        def user(session: Session) -> tuple[int, list[float]]:
            latencies = []
            for n in range(clicks):
                started = time.perf_counter()
                session.click(ADD)
                session.wait_for(lambda s, n=n: shown_rows(s) >= n + 1, timeout=120)
                latencies.append((time.perf_counter() - started) * 1000)
            session.roundtrip(timeout=120)  # a swamped server answers late
            return shown_rows(session), latencies

        started = time.perf_counter()
        with ThreadPoolExecutor(sessions) as pool:  # everyone clicks at once
            outcomes = list(pool.map(user, created))
        elapsed = time.perf_counter() - started
        peak = max(peak, server_rss_mb())
        latencies = sorted(ms for _, per_session in outcomes for ms in per_session)
        results["clicks_lost"] = sum(max(0, clicks - seen) for seen, _ in outcomes)
        results["cross_session_rows"] = sum(max(0, seen - clicks) for seen, _ in outcomes)
        results["concurrent_clicks_per_s"] = sessions * clicks / elapsed
        results["concurrent_click_ms_p95"] = latencies[int(0.95 * (len(latencies) - 1))]

        for session in [*created, active, idle]:
            session.close()
        after = rss_once_culled()
        results["rss_mb_peak_growth"] = peak - baseline
        results["rss_mb_after_close"] = max(0.0, after - baseline)
        # Kept memory is leaked or held for reuse: a second wave tells which.
        second = [Session(server.url) for _ in range(sessions)]
        results["rss_mb_per_session_second_wave"] = (server_rss_mb() - after) / sessions
        for session in second:
            session.close()
    return results


def paced(
    entry: Path,
    seconds: float,
    most: int,
    lifetime: tuple[float, float] | None = None,
    limit_ms: float = 250,
) -> dict:
    """People-paced load, growing: the largest number of users whose click p95 < limit_ms.
    With `lifetime` (lo, hi), each session ends after lo-hi s and a new user takes its place."""
    import math
    import random
    import threading

    from client import Session
    from support import serve

    def person(url: str, arrived: float, stop: float, latencies: list, opened: list) -> None:
        time.sleep(random.uniform(0, arrived - time.monotonic()))  # arrivals spread
        while time.monotonic() < stop:
            leave = time.monotonic() + (random.uniform(*lifetime) if lifetime else math.inf)
            session, rows = Session(url, timeout=120), 0
            opened.append(session.id)
            try:
                while time.monotonic() < min(stop, leave):
                    label, rows = (CLEAR, 0) if rows == 10 else (ADD, rows + 1)
                    started = time.perf_counter()
                    session.click(label)
                    seen = session.wait_for(lambda s, n=rows: shown_rows(s) == n, 60)
                    if time.monotonic() > arrived:  # steady state: everyone is here
                        latencies.append((time.perf_counter() - started) * 1000 if seen else 1e9)
                    time.sleep(random.uniform(1, 3))  # thinking
            finally:
                session.close()

    flags = ["--unused-session-lifetime", "1000", "--check-unused-sessions", "250"]
    results: dict = {"entry": str(entry), "paced": [], "paced_users_p95_under_250ms": 0}
    with serve(entry, *flags, "--setup", NO_BUSY_LOOP) as server:
        for users in (n for n in (10, 25, 50, 75, 100, 125, 150, 200, 250, 300) if n <= most):
            latencies: list[float] = []
            opened: list[str] = []
            arrived = time.monotonic() + seconds / 2
            stop = arrived + seconds
            people = [threading.Thread(target=person, args=(server.url, arrived, stop, latencies, opened))
                      for _ in range(users)]  # fmt: skip
            rss_before = server_rss_mb()
            for thread in people:
                thread.start()
            for thread in people:
                thread.join()
            ordered, rss = sorted(latencies), [round(rss_before, 1), round(server_rss_mb(), 1)]
            p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("inf")
            results["paced"].append({"users": users, "click_ms_p95": p95, "clicks": len(ordered),
                                     "sessions": len(opened), "rss_mb": rss})  # fmt: skip
            print(
                f"{users} users: click p95 {p95:.0f} ms over {len(ordered)} clicks, "
                f"{len(opened)} sessions, server RSS {rss[0]} -> {rss[1]} MB",
                file=sys.stderr,
            )
            if p95 >= limit_ms:
                break
            results["paced_users_p95_under_250ms"] = users
            time.sleep(3)  # let the closed sessions go
    return results


# -- Outside: bake (or take) the project, run the measuring in its virtualenv ----------------
def seconds_range(text: str) -> tuple[float, float]:
    """--lifetime's LO,HI: seconds, 0 < LO <= HI."""
    try:
        low, high = map(float, text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give LO,HI in seconds, as 30,60") from None
    if not 0 < low <= high:
        raise argparse.ArgumentTypeError(f"{text!r}: LO and HI must be 0 < LO <= HI")
    return low, high


def report(all_results: list[dict]) -> str:
    """The table, a column per app, then one JSON line per app."""
    width = max(len(label) for _, label, _ in TABLE)
    names = [Path(results["entry"]).name for results in all_results]
    lines = [f"{'':<{width}}  " + "  ".join(f"{name:>14}" for name in names)]
    table = PACED_TABLE if "paced" in all_results[0] else TABLE
    for key, label, fmt in table:
        cells = "  ".join(f"{fmt.format(results[key]):>14}" for results in all_results)
        lines.append(f"{label:<{width}}  {cells}")
    return "\n".join([*lines, *(json.dumps(results, sort_keys=True) for results in all_results)])


def costs_report(rounds: list[list[dict]]) -> str:
    """Medians over rounds, a column per app, and app.py's ratio to the first entry."""
    names = [Path(results["entry"]).name for results in rounds[0]]
    keys = [key for key in rounds[0][0] if "_ms" in key]
    labels = {"get_ms": "per new session (page GET)", "browser_session_ms": "per new session (Chromium)"}  # fmt: skip
    medians = [{key: statistics.median(r[i][key] for r in rounds) for key in keys}
               for i in range(len(names))]  # fmt: skip
    header = f"{'server CPU (ms), median of ' + str(len(rounds)) + ' rounds':<44}"
    lines = [
        header + "".join(f"{name:>20}" for name in names) + ("   ratio" if len(names) > 1 else "")
    ]
    for key in keys:
        rows = key.partition("_at_")[2].removesuffix("_rows")
        label = labels.get(key) or f"per click at {rows} rows" + " (Chromium)" * ("browser" in key)
        cells = "".join(f"{m[key]:>20.1f}" for m in medians)
        ratio = f"{medians[0][key] / medians[1][key]:>7.2f}x" if len(names) > 1 else ""
        lines.append(f"{label:<44}{cells}{ratio}")
    return "\n".join(
        [*lines, json.dumps({"rounds": rounds, "medians": dict(zip(names, medians, strict=True))})]
    )


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", nargs="?", type=Path, help="a baked project (default: bake one)")
    parser.add_argument("--entry", type=Path, action="append", default=[], help="another app")
    parser.add_argument(
        "--template",
        default="bootstrap",
        help="ui_template to bake, and the --entry apps' PANEL_TEMPLATE",
    )
    parser.add_argument("--sessions", type=int, default=50, help="concurrent sessions (50)")
    parser.add_argument("--clicks", type=int, default=20, help="clicks per session (20)")
    parser.add_argument("--rows", type=int, default=300, help="rows for the large page (300)")
    parser.add_argument("--settle", type=float, default=12, help="seconds for Panel's gc (12)")
    parser.add_argument("--costs", action="store_true", help="server CPU per new session and click")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --costs (3)")
    parser.add_argument("--gets", type=int, default=20, help="page GETs per round of --costs (20)")
    parser.add_argument(
        "--browser", type=int, default=0, help="Chromium sessions per round of --costs"
    )
    parser.add_argument(
        "--at", default="0,100,300", help="row counts --costs clicks at (0,100,300)"
    )
    parser.add_argument("--paced", action="store_true", help="people-paced users per process")
    parser.add_argument("--seconds", type=float, default=30, help="per step of --paced (30)")
    parser.add_argument("--most", type=int, default=300, help="users --paced tries at most (300)")
    parser.add_argument(
        "--lifetime",
        type=seconds_range,
        help="LO,HI: --paced sessions end after LO-HI s and new users come",
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the inside run
    args = parser.parse_args(argv)
    at = [int(count) for count in args.at.split(",")]
    if args.measure:
        if args.costs:
            results = costs(args.measure, args.clicks, args.gets, at, args.browser)
        elif args.paced:
            results = paced(args.measure, args.seconds, args.most, args.lifetime)
        else:
            results = measure(args.measure, args.sessions, args.clicks, args.rows, args.settle)
        print(json.dumps(results))
        return []

    sys.path.insert(0, str(ROOT / "tests"))
    import pytest
    from cookiecutter.main import cookiecutter

    from suites import synced

    # cookiecutter leaves each hook it runs in the temp dir (cookiecutter#886): tmp, here.
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(tempfile, "tempdir", tmp):
        project = args.project or Path(cookiecutter(
            str(ROOT), no_input=True, output_dir=tmp, extra_context={"ui_template": args.template}
        ))  # fmt: skip
        try:
            python, env = synced(project.resolve(), None, "psutil")
        except pytest.skip.Exception as missing:
            raise SystemExit(str(missing)) from None
        # The project's tests/support.py, and the template's protocol client.
        env["PYTHONPATH"] = f"{project.resolve() / 'tests'}:{ROOT / 'evidence'}"
        env["PANEL_TEMPLATE"] = args.template  # for benchmarks/plain_panel_app.py
        load = ["--sessions", str(args.sessions), "--clicks", str(args.clicks), "--at", args.at]
        load += ["--rows", str(args.rows), "--settle", str(args.settle), "--gets", str(args.gets)]
        load += ["--browser", str(args.browser)]
        load += ["--seconds", str(args.seconds), "--most", str(args.most)]
        load += ["--paced"] * args.paced + ["--costs"] * args.costs
        load += ["--lifetime", ",".join(map(str, args.lifetime))] if args.lifetime else []
        rounds = []
        for _ in range(args.rounds if args.costs else 1):
            all_results = []
            for entry in [project / "app.py", *args.entry]:
                command = [str(python), __file__, "--measure", str(entry.resolve()), *load]
                done = subprocess.run(
                    command, env=env, capture_output=True, text=True, timeout=3600
                )
                if done.returncode:
                    raise SystemExit(f"measuring {entry} failed:\n{done.stdout}{done.stderr}")
                all_results.append(json.loads(done.stdout.splitlines()[-1]))
            rounds.append(all_results)
    print(costs_report(rounds) if args.costs else report(rounds[0]))
    return rounds[-1]


if __name__ == "__main__":
    main()
