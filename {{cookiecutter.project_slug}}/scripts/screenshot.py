"""Write a PNG of the starter page: `python scripts/screenshot.py [PATH]`.

Serves app.py with `panel serve`, opens it in Chromium (found as the ui tests
find it: $CHROMIUM_EXECUTABLE, Playwright's Chromium, /usr/bin/chromium), adds
a few rows and saves what the browser shows.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from {{ cookiecutter.package_name }}.testing import (
    CHROMIUM_ARGS,
    find_chromium,
    serve,
)

ROOT = Path(__file__).resolve().parents[1]


def take(page: Page, path: Path, rows: int = 3) -> None:
    """In `page`, which shows the app, add `rows` rows and save what the page shows."""
    # Click only once the app has loaded: a click before that can be lost under load.
    expect(page.get_by_text(re.compile(r"^Rows: 0,"))).to_be_visible(timeout=30_000)
    for n in range(1, rows + 1):  # one click at a time, as a person would
        page.get_by_role("button", name="Add new row").click()
        expect(page.get_by_text(re.compile(rf"^Rows: {n},"))).to_be_visible(timeout=30_000)
    page.screenshot(path=path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a PNG of the starter page.")
    parser.add_argument("path", nargs="?", type=Path, default=Path("screenshot.png"))
    parser.add_argument("--rows", type=int, default=3, help="rows to add first (default: 3)")
    parser.add_argument("--size", default="1280x720", help="viewport WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))

    executable, _ = find_chromium()
    with serve(ROOT / "app.py") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=[*CHROMIUM_ARGS])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(server.app_url)
        take(page, args.path, args.rows)
        browser.close()
    print(f"wrote {args.path}")


if __name__ == "__main__":
    main()
