"""What answers the template accepts, for cookiecutter and copier alike.

Each answer has one small check that says what is wrong and what to type instead.
cookiecutter's pre-generate hook prints `answer_problems(cookiecutter)`; copier's
validators (copier.yml) call `refusal(question)`: the same checks, the same
one-line messages. Both load this module as a Jinja extension, `AnswerChecks`.
No network, no prompts: cruft re-runs the hook in temporary directories.
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from collections.abc import Mapping
from email.errors import MessageError
from email.headerregistry import Address

from jinja2 import pass_context
from jinja2.ext import Extension

TEXT_FIELDS = (
    "project_name", "project_slug", "package_name", "description",
    "author_name", "author_email", "version",
)  # fmt: skip
# The longest project_slug: cookiecutter.json's slugify cuts a derived slug here,
# and a longer typed one is refused (templates read it as `max_slug_length`).
MAX_SLUG = 50
# cookiecutter renders answers given on its command line as Jinja, and `cruft
# update` re-renders the answers it stored: an expression in double braces would
# be replaced by its value, a stray block tag would stop the update. So text typed
# at a prompt may not contain Jinja's openers.
JINJA_OPENERS = ("{{", "{%", "{#")

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


# Each question's own check, from the answers given so far (copier asks in order).
CHECKS = {
    "project_name": lambda a: check_project_name(a["project_name"]),
    "project_slug": lambda a: check_project_slug(a["project_slug"], a["project_name"]),
    "package_name": lambda a: check_package_name(a["package_name"]),
    "author_email": lambda a: check_author(a["author_name"], a["author_email"]),
    "version": lambda a: check_version(a["version"]),
}


def refusals(answers: Mapping[str, object], question: str) -> list[str]:
    """Why this question's answer cannot work: [] if it can."""
    value = str(answers[question])
    found = check_text(question, value)
    return found + CHECKS[question](answers) if question in CHECKS else found


def answer_problems(answers: Mapping[str, object]) -> list[str]:
    """Everything wrong with a full set of answers (cookiecutter's pre-generate hook)."""
    return [line for question in TEXT_FIELDS for line in refusals(answers, question)]


@pass_context
def refusal(context, question: str) -> str:
    """A copier validator: the problems with `question`'s answer, as one message."""
    answers = {name: context.get(name, "") for name in TEXT_FIELDS}
    return " ".join(refusals(answers, question))


# Files and folders an answer turns off: cookiecutter's post-generate hook removes
# them, copier's `_exclude` leaves them out.
def paths_turned_off(answers: Mapping[str, str]) -> list[str]:
    """The paths these answers (the `cookiecutter` mapping, in either generator) turn off."""
    auth, ci, docker, pre_commit = (answers[k] for k in ("auth", "ci", "docker", "pre_commit"))
    keep = {
        f"src/{answers['package_name']}/access.py": auth == "oidc",
        "tests/test_access.py": auth == "oidc",
        "tests/test_passwords.py": auth == "basic",
        "tests/test_sign_in.py": auth != "none",
        ".github": ci == "github",
        ".gitlab-ci.yml": ci == "gitlab",
        "renovate.json": ci == "gitlab",
        "Dockerfile": docker == "yes",
        ".dockerignore": docker == "yes",
        "compose.yaml": docker == "yes",
        "deploy": docker == "yes",
        "docs": docker == "yes",  # docs/deploying.md
        ".pre-commit-config.yaml": pre_commit == "yes",
        "tests/test_pre_commit.py": pre_commit == "yes",
        "LICENSE": answers["license"] != "Proprietary",
    }
    return [path for path, kept in keep.items() if not kept]


def _slugify(value: str, **options) -> str:
    """cookiecutter's `slugify` filter, for copier, which has none: the same library."""
    from slugify import slugify  # python-slugify, a dependency of cookiecutter

    return slugify(value, **options)


class AnswerChecks(Extension):
    """Gives templates the checks (`answer_problems`, `refusal`), `paths_turned_off`,
    `max_slug_length`, and a `slugify` filter where the generator has none."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.setdefault("slugify", _slugify)
        environment.globals.update(
            answer_problems=answer_problems,
            refusal=refusal,
            paths_turned_off=paths_turned_off,
            max_slug_length=MAX_SLUG,
        )
