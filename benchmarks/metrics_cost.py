"""What deploy/serve.py's Prometheus metrics cost per click: metrics on against off.

    python benchmarks/metrics_cost.py                  # bakes the default project (docker=yes)
    python benchmarks/metrics_cost.py path/to/project  # a project you baked

Serves the project with deploy/serve.py, METRICS_PORT=off and on in turn (rounds
alternate, as this machine is noisy), opens --sessions sessions over the websocket
with the template's protocol client, and measures the server's CPU per "Add new row"
click from the OS, minus its CPU while nobody clicks (measured just before). It
prints the median per setting and their ratio; judging is for people (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
ADD, CLEAR = "Add new row", "Clear all rows"


def measure(metrics: str, sessions: int, clicks: int) -> float:
    """Inside the project's virtualenv: CPU ms per click, idle CPU subtracted."""
    import psutil

    from bench import own_cpu_ms  # beside this file
    from production import click_and_see, replica
    from production import sessions as open_sessions

    settings = {"METRICS_PORT": "off"} if metrics == "off" else {}  # else on a free port
    with open_sessions() as open_session, replica(**settings) as server:
        process = psutil.Process(server.process.pid)

        def cpu() -> float:
            times = process.cpu_times()
            return times.user + times.system

        users = [open_session(server.url) for _ in range(sessions)]
        for user in users:  # warm up: every path a click takes
            assert click_and_see(user, ADD, 1)
            assert click_and_see(user, CLEAR, 0)

        def everyone_clicks() -> None:
            for n in range(1, clicks + 1):
                for user in users:
                    assert click_and_see(user, ADD, n), "a click was lost"

        spent_ms = own_cpu_ms(cpu, everyone_clicks)
        if metrics == "on":  # they were really on, and counted every click
            assert server.metrics()["panel_event_duration_seconds_count"] >= clicks * sessions
        return spent_ms / (clicks * sessions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", nargs="?", type=Path, help="a baked project with docker=yes")
    parser.add_argument("--rounds", type=int, default=4, help="off/on pairs (4)")
    parser.add_argument("--sessions", type=int, default=5, help="sessions clicking in turn (5)")
    parser.add_argument("--clicks", type=int, default=20, help="clicks per session (20)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the inside run: on or off
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.sessions, args.clicks)))
        return

    sys.path.insert(0, str(ROOT / "tests"))
    import pytest
    from cookiecutter.main import cookiecutter

    from suites import copy_with, synced

    # cookiecutter leaves each hook it runs in the temp dir (cookiecutter#886): tmp, here.
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(tempfile, "tempdir", tmp):
        project = args.project or Path(cookiecutter(str(ROOT), no_input=True, output_dir=tmp))
        # A copy with the template's serving helpers in its tests/, where they expect to be.
        helpers = {f"tests/{name}": ROOT / "evidence" / name
                   for name in ("production.py", "client.py")}  # fmt: skip
        project = copy_with(project, Path(tmp, "measured"), helpers)
        try:
            python, env = synced(project, None, "psutil")
        except pytest.skip.Exception as missing:  # no interpreter for the bake's Python
            raise SystemExit(str(missing)) from None
        env["PYTHONPATH"] = str(project / "tests")
        figures: dict[str, list[float]] = {"off": [], "on": []}
        for _ in range(args.rounds):
            for setting in ("off", "on"):
                load = ["--sessions", str(args.sessions), "--clicks", str(args.clicks)]
                command = [str(python), __file__, "--measure", setting, *load]
                done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
                if done.returncode:
                    raise SystemExit(f"measuring failed:\n{done.stdout}{done.stderr}")
                figures[setting].append(json.loads(done.stdout.splitlines()[-1]))
    off, on = (statistics.median(figures[s]) for s in ("off", "on"))
    print(
        f"cpu ms per click, metrics off: {off:.2f}  ({', '.join(f'{v:.2f}' for v in figures['off'])})"
    )
    print(
        f"cpu ms per click, metrics on:  {on:.2f}  ({', '.join(f'{v:.2f}' for v in figures['on'])})"
    )
    print(f"on / off: {on / off:.3f}")


if __name__ == "__main__":
    main()
