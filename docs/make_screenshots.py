"""Regenerate the README's screenshots from real baked projects.

    python docs/make_screenshots.py            # all ui_template choices
    python docs/make_screenshots.py fast --out /tmp/shots

For each ui_template this bakes the default project with that template, runs
the project's own `scripts/screenshot.py` (its real `panel serve` and Chromium),
and writes docs/screenshots/<ui_template>.png. It reuses the virtualenvs the
template's tests build (tests/generated_suites.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from cookiecutter.main import cookiecutter  # noqa: E402

from generated_suites import (  # noqa: E402
    chromium_for_suites,
    find_python,
    project_requirements,
    venv_for,
)
from matrix import OPTIONS  # noqa: E402


def screenshot(ui_template: str, out: Path) -> Path:
    python_version = OPTIONS["python_version"][0]
    python, origin = find_python(python_version)
    if python is None:
        raise SystemExit(origin)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(
            cookiecutter(
                str(ROOT), no_input=True, output_dir=tmp, extra_context={"ui_template": ui_template}
            )
        )
        venv = venv_for(python, project_requirements(project))
        env = {**os.environ, "PYTHONPATH": str(project / "src")}
        if chromium_for_suites():
            env["CHROMIUM_EXECUTABLE"] = chromium_for_suites()
        path = out / f"{ui_template}.png"
        command = [
            str(venv / "bin" / "python"),
            "scripts/screenshot.py",
            str(path),
            "--size",
            "1000x600",
        ]
        subprocess.run(command, cwd=project, env=env, check=True, timeout=300)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Regenerate the README's screenshots.")
    parser.add_argument("ui_templates", nargs="*", default=OPTIONS["ui_template"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for ui_template in args.ui_templates:
        print(screenshot(ui_template, args.out.resolve()))


if __name__ == "__main__":
    main()
