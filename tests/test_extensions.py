"""The escaping filters: any text becomes a literal that reads back as exactly that text."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib

import pytest

from local_extensions import py_str, toml_str

NASTY = [
    "",
    "plain",
    'double "quotes"',
    "single 'quotes'",
    "both ' and \"",
    "back\\slash at the end\\",
    "tab\tnewline\nreturn\rnull\x00 del\x7f c1\x85",
    "line\u2028separator\u2029 bom\ufeff",
    "bidi: \u202eevil\u202c \u2066isolate\u2069 \u200fmark",
    "accents: café, Ñandú",
    "CJK: 数据仪表板",
    "emoji: 📊🐍",
    "jinja-looking: {{ x }} {% y %}",
    "<script>alert(1)</script>",
    "  padded  ",
    "x" * 500,
]


@pytest.mark.parametrize("text", NASTY)
def test_toml_str_round_trips(text):
    assert tomllib.loads(f"value = {toml_str(text)}")["value"] == text


@pytest.mark.parametrize("text", NASTY)
def test_py_str_round_trips(text):
    assert ast.literal_eval(py_str(text)) == text


def test_py_str_output_is_already_ruff_formatted(tmp_path):
    source = "".join(f"VALUE_{i} = {py_str(text)}\n" for i, text in enumerate(NASTY))
    module = tmp_path / "values.py"
    module.write_text(source, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--diff", "--no-cache", "--isolated", str(module)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("quote", [toml_str, py_str])
def test_invisible_and_bidi_characters_are_written_as_escapes(quote):
    """Whoever reads the generated file sees them; none can reorder the line it is on."""
    literal = quote("a\u202eb\u2066c\u2069\x00d\ufeff")
    assert literal.isascii()
    assert "\\u202e" in literal
