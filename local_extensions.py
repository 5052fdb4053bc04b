"""Jinja filters that turn user text into string literals.

User answers (project name, description, author) end up inside TOML and Python
files. Pasting them between quotes breaks on the first quote or backslash, so
every such value goes through one of these filters instead:

    name = {{ cookiecutter.project_name | toml_str }}
    TITLE = {{ cookiecutter.project_name | py_str }}

cookiecutter loads this module through `_extensions` in cookiecutter.json, copier
through `_jinja_extensions` in copier.yml.
"""

from __future__ import annotations

from datetime import UTC, datetime

from jinja2.ext import Extension

_SHORT_ESCAPES = {"\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


# Bidirectional controls reorder how a line is displayed, so raw in source code
# they can make it read differently from what runs ("Trojan Source", CVE-2021-42574).
_BIDI_CONTROLS = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def _needs_escape(char: str) -> bool:
    """Control, line-separator and bidi characters: invisible, and illegal or risky raw."""
    code = ord(char)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or code in (0x2028, 0x2029, 0xFEFF)
        or code in _BIDI_CONTROLS
    )


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def toml_str(value: object) -> str:
    """A TOML basic string (double quotes) holding exactly `value`."""
    out = []
    for char in str(value):
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif char == '"':
            out.append('\\"')
        elif _needs_escape(char):
            out.append(_escape(char))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def py_str(value: object) -> str:
    """A Python string literal holding exactly `value`, already in ruff-format style.

    ruff format prefers double quotes unless that needs more escapes, so this does too.
    """
    text = str(value)
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = []
    for char in text:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif char == quote:
            out.append("\\" + quote)
        elif _needs_escape(char):
            out.append(f"\\x{ord(char):02x}" if ord(char) <= 0xFF else _escape(char))
        else:
            out.append(char)
    return quote + "".join(out) + quote


# The Panel template class each `ui_template` choice names.
TEMPLATE_CLASSES = {
    "bootstrap": "BootstrapTemplate",
    "material": "MaterialTemplate",
    "fast": "FastListTemplate",
    "vanilla": "VanillaTemplate",
}


class QuoteExtension(Extension):
    """Registers the `toml_str` and `py_str` filters, and `this_year` for LICENSE
    (cookiecutter's `now` tag is cookiecutter's own; copier has none)."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["toml_str"] = toml_str
        environment.filters["py_str"] = py_str
        environment.filters["template_class"] = TEMPLATE_CLASSES.__getitem__
        environment.globals["this_year"] = str(datetime.now(UTC).year)
