"""The README shows what users get: one screenshot per ui_template, made by a script."""

from __future__ import annotations

import struct
import subprocess
import sys

import pytest

from generated_suites import chromium_for_suites
from matrix import OPTIONS, ROOT

SCREENSHOTS = ROOT / "docs" / "screenshots"


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("ui_template", OPTIONS["ui_template"])
def test_the_readme_shows_a_screenshot_of_each_ui_template(ui_template):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"(docs/screenshots/{ui_template}.png)" in readme
    assert png_size(SCREENSHOTS / f"{ui_template}.png") == (1000, 600)


@pytest.mark.skipif(chromium_for_suites() is None, reason="no Chromium (set CHROMIUM_EXECUTABLE)")
def test_the_screenshot_script_makes_them_from_a_baked_project(tmp_path):
    command = [
        sys.executable,
        str(ROOT / "docs" / "make_screenshots.py"),
        "vanilla",
        "--out",
        str(tmp_path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert png_size(tmp_path / "vanilla.png") == (1000, 600)
