"""The template's Python files stay Python: per-option code lives in whole files the
post-generate hook keeps or drops (or files named `{% if ... %}x.py{% endif %}`), and
Jinja only fills in values. So an editor, ruff and a reader see Python."""

import ast
import re

import pytest

from bakes import ROOT

PROJECT = ROOT / "{{cookiecutter.project_slug}}"
PYTHON = sorted(
    p for p in PROJECT.rglob("*") if p.is_file() and re.sub(r"{%.*?%}", "", p.name).endswith(".py")
)
MOST_TAGS = 20  # `{% %}` tags in all of them: structure belongs in files, not in Jinja


def test_the_template_has_python_files_to_check():
    assert len(PYTHON) > 20


@pytest.mark.parametrize("path", PYTHON, ids=[p.relative_to(PROJECT).as_posix() for p in PYTHON])
def test_each_python_file_parses_once_its_values_are_placeholders(path):
    source = re.sub(r"{{.*?}}", "placeholder", path.read_text(encoding="utf-8"))
    source = re.sub(r"{%.*?%}", "", source)  # the few tags left: whole lines, or whole imports
    ast.parse(source, filename=str(path))


def test_the_template_python_holds_few_jinja_tags():
    tags = {
        p.relative_to(PROJECT).as_posix(): len(re.findall(r"{%", p.read_text(encoding="utf-8")))
        for p in PYTHON
    }
    assert sum(tags.values()) <= MOST_TAGS, {name: n for name, n in tags.items() if n}
