"""Refuse answers that cannot work, before any file is written.

cookiecutter renders this file with the answers, runs it inside the new (still
empty) project directory and deletes that directory if it exits non-zero, so a
refusal leaves nothing behind. Each problem is one line: what is wrong, and what
to type instead. No network, no prompts: cruft re-runs it in temporary dirs.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import unicodedata
from email.errors import MessageError
from email.headerregistry import Address

# All answers, as cookiecutter rendered them. tojson escapes every quote, so the
# raw string cannot end early, and json.loads restores the exact text.
CONTEXT = json.loads(r"""{{ cookiecutter | tojson }}""")
TEXT_FIELDS = (
    "project_name", "project_slug", "package_name", "description",
    "author_name", "author_email", "version",
)  # fmt: skip
MAX_SLUG = int("{{ max_slug_length }}")  # local_extensions.MAX_SLUG
# cookiecutter renders answers given on its command line as Jinja, and `cruft
# update` re-renders the answers it stored: an expression in double braces would
# be replaced by its value, a stray block tag would stop the update. So text typed
# at a prompt may not contain Jinja's openers. (This file is itself rendered by
# Jinja, hence the split strings.)
JINJA_OPENERS = ("{" + "{", "{" + "%", "{" + "#")

# Import names the generated project depends on, or files at its root that
# `import <package_name>` would pick up instead of the package.
TAKEN_IMPORT_NAMES = {
    "panel": "the Panel library",
    "bokeh": "the Bokeh library Panel is built on",
    "param": "the param library Panel is built on",
    "pytest": "pytest",
    "tornado": "the Tornado web server Panel runs on",
    "numpy": "NumPy, a Panel dependency",
    "pandas": "pandas, a Panel dependency",
    "jinja2": "Jinja2, a Bokeh dependency",
    "yaml": "PyYAML, a Bokeh dependency",
    "app": "the entry file app.py",
    "tests": "the tests/ directory",
    "conftest": "pytest's conftest.py",
    "support": "the tests' helper module tests/support.py",
}

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PACKAGE = re.compile(r"[a-z_][a-z0-9_]*")
EMAIL = re.compile(r"[^@\s,<>\"]+@[^@\s,<>\"]+\.[^@\s,<>\"]+")
# PEP 440, as `packaging.version.VERSION_PATTERN` spells it (packaging may not be installed).
VERSION = re.compile(
    r"""v?(?:(?:(?P<epoch>[0-9]+)!)?(?P<release>[0-9]+(?:\.[0-9]+)*)
    (?P<pre>[-_\.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?P<pre_n>[0-9]+)?)?
    (?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_\.]?(?P<post_l>post|rev|r)[-_\.]?(?P<post_n2>[0-9]+)?))?
    (?P<dev>[-_\.]?(?P<dev_l>dev)[-_\.]?(?P<dev_n>[0-9]+)?)?)
    (?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?""",
    re.VERBOSE | re.IGNORECASE,
)


def check_text(key: str, value: str) -> list[str]:
    """Every answer: one line, and no Jinja."""
    found = []
    bad = sorted(
        {f"U+{ord(c):04X}" for c in value if unicodedata.category(c) in ("Cc", "Zl", "Zp")}
    )
    if bad:
        found.append(
            f"{key} must be one line of text, but it contains {', '.join(bad)}; remove them."
        )
    opener = next((o for o in JINJA_OPENERS if o in value), None)
    if opener:
        found.append(
            f"{key} contains {opener!r}, which cookiecutter and cruft read as Jinja when they "
            "reuse your answers (cruft update would break or change the text); "
            "remove it, or put a space between the two characters."
        )
    return found


def check_project_name(name: str) -> list[str]:
    return [] if name.strip() else ["project_name is empty; type a name such as 'Sales Dashboard'."]


def check_project_slug(slug: str, project_name: str) -> list[str]:
    if slug in ("", "_"):  # "_": what cookiecutter.json derives when slugify finds nothing
        return [
            f"project_slug is empty because project_name {project_name!r} has no letters or "
            "digits; type project_slug yourself, e.g. 'my-app'."
        ]
    if not SLUG.fullmatch(slug):
        fixed = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "my-app"
        return [
            f"project_slug {slug!r} must be lowercase letters, digits and single hyphens; "
            f"type e.g. {fixed!r}."
        ]
    if len(slug) > MAX_SLUG:
        shorter = slug[:MAX_SLUG].rstrip("-")
        return [f"project_slug is {len(slug)} characters; keep it to {MAX_SLUG}, e.g. {shorter!r}."]
    return []


def suggest_package(name: str) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_") or "my_app"
    if base[0].isdigit():
        base = "app_" + base
    return base if base.endswith("_app") else base + "_app"


def check_package_name(package: str) -> list[str]:
    instead = f"type e.g. {suggest_package(package)!r}."
    if not PACKAGE.fullmatch(package) or not package.isidentifier():
        return [
            f"package_name {package!r} is not a lowercase Python identifier "
            f"(letters, digits, underscores, not starting with a digit); {instead}"
        ]
    if keyword.iskeyword(package):
        return [f"package_name {package!r} is a Python keyword; {instead}"]
    if package in TAKEN_IMPORT_NAMES:
        return [f"package_name {package!r} would shadow {TAKEN_IMPORT_NAMES[package]}; {instead}"]
    if package in sys.stdlib_module_names:
        return [
            f"package_name {package!r} would shadow the standard-library module {package!r}; "
            f"{instead}"
        ]
    return []


def check_author(name: str, email: str) -> list[str]:
    """author_name and author_email together: package metadata needs one, in a form it can write."""
    if email and not (EMAIL.fullmatch(email) and metadata_accepts(email)):
        return [
            f"author_email {email!r} is not an email address that package metadata accepts; "
            "type e.g. 'jane@example.com', or leave it empty."
        ]
    if not email and not name.strip():
        return [
            "author_name and author_email are both empty, and a package needs one; "
            "type a name (yours or your team's)."
        ]
    if email and "," in name:
        return [
            f"author_name {name!r} cannot contain a comma when an email is given "
            "(it becomes 'Name <email>' in the package metadata); drop the comma."
        ]
    return []


def metadata_accepts(address: str) -> bool:
    """Whether the build backend can write it: hatchling parses it with this class."""
    try:
        Address(addr_spec=address)
    except (ValueError, MessageError):  # header defects are ValueErrors
        return False
    return True


def check_version(version: str) -> list[str]:
    match = VERSION.fullmatch(version)
    if not match:
        return [f"version {version!r} is not a PEP 440 version; type e.g. '0.1.0'."]
    if match["local"] or match["epoch"]:
        return [
            f"version {version!r} has a local part ('+...') or an epoch ('N!'), "
            "which PyPI and image tags refuse; type a public version, e.g. '0.1.0'."
        ]
    return []


def problems(answers: dict[str, str]) -> list[str]:
    found = [line for key, value in answers.items() for line in check_text(key, value)]
    return [
        *found,
        *check_project_name(answers["project_name"]),
        *check_project_slug(answers["project_slug"], answers["project_name"]),
        *check_package_name(answers["package_name"]),
        *check_author(answers["author_name"], answers["author_email"]),
        *check_version(answers["version"]),
    ]


def main() -> int:
    found = problems({key: str(CONTEXT[key]) for key in TEXT_FIELDS})
    for line in found:
        print(f"ERROR: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
