"""Regenerate the README's screenshots from real baked projects.

    python docs/make_screenshots.py            # all ui_template choices
    python docs/make_screenshots.py fast --out /tmp/shots

For each ui_template this bakes the default project with that template, serves it
with the project's own tests/support.py in the project's virtualenv (the one the
template's tests build), adds three rows in Chromium, and writes
docs/screenshots/<ui_template>.png.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the template's test helpers: bakes, suites
SIZE = {"width": 1000, "height": 600}


def shoot(project: Path, path: Path) -> None:
    """Inside the project's virtualenv: serve it, add three rows, save the page."""
    import os
    import re

    from playwright.sync_api import expect, sync_playwright

    from support import serve

    with serve(project / "app.py") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_EXECUTABLE"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport=SIZE)
        page.goto(server.url)
        for rows in range(4):  # click only once the previous row shows, as a person would
            expect(page.get_by_text(re.compile(rf"^Rows: {rows},"))).to_be_visible(timeout=30_000)
            if rows < 3:
                page.get_by_role("button", name="Add new row").click()
        page.screenshot(path=path)
        browser.close()


def screenshot(ui_template: str, out: Path) -> Path:
    """Outside: bake with this ui_template, then shoot it in its virtualenv."""
    import pytest
    from cookiecutter.main import cookiecutter

    from bakes import DEFAULT_PYTHON
    from suites import synced

    # cookiecutter leaves each hook it runs in the temp dir (cookiecutter#886): tmp, here.
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(tempfile, "tempdir", tmp):
        context = {"ui_template": ui_template}
        project = Path(
            cookiecutter(str(ROOT), no_input=True, output_dir=tmp, extra_context=context)
        )
        try:
            python, env = synced(project, DEFAULT_PYTHON)
        except pytest.skip.Exception as missing:
            raise SystemExit(str(missing)) from None
        env["PYTHONPATH"] = str(project / "tests")
        path = out / f"{ui_template}.png"
        command = [str(python), __file__, "--shoot", str(project), str(path)]
        subprocess.run(command, env=env, check=True, timeout=300)
    return path


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--shoot"]:
        shoot(Path(argv[1]), Path(argv[2]))
        return
    from bakes import OPTIONS

    parser = argparse.ArgumentParser(description="Regenerate the README's screenshots.")
    parser.add_argument("ui_templates", nargs="*", default=OPTIONS["ui_template"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for ui_template in args.ui_templates:
        print(screenshot(ui_template, args.out.resolve()))


if __name__ == "__main__":
    main()
