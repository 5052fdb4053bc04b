"""Hostile answers: whatever a person types is either refused cleanly or bakes a valid project.

Answers are typed at cookiecutter's prompts, as a person types them: cookiecutter
takes typed text literally. (Values given with --no-input or extra_context are
rendered as Jinja by cookiecutter itself, so there "{{ 7*7 }}" becomes "49"; so
does `cruft update` with stored answers, which is why the hook refuses "{{", "{%"
and "{#" in typed text.) Hypothesis prints the answers of any failing example.
"""

from __future__ import annotations

import ast
import keyword
import re
import tempfile
import tomllib
from pathlib import Path
from unittest import mock

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import checkers
from answers import MAX_SLUG
from bakes import DEFAULT_PYTHON, ROOT
from suites import run_suite

FIELDS = ("project_name", "description", "author_name", "author_email")
NASTY = [
    'He said "hi"', "It's mine", "back\\slash\\", "{{ cookiecutter.project_name }}", "{% if %}",
    "{# not a comment #}", "<script>alert(1)</script>", "<b>bold</b> & more", "Café Ünïcode",
    "数据仪表板", "📊 Dashboard 🐍", "  padded  ", "x" * 300, "Ω≈ç√∫", "tab\there", "two\nlines",
]  # fmt: skip
PUNCTUATION = st.sampled_from(list("\"'\\{}%#<>&/|-_.,;:!?@()[]$`~^*+= "))
# Accents, CJK, emoji, ... and Cf: zero-width joiners and bidi controls.
UNICODE = st.characters(categories=("L", "M", "N", "S", "Zs", "P", "Cf"))
CONTROL = st.characters(categories=("Cc", "Zl", "Zp"))
ANSWER = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.one_of(PUNCTUATION, UNICODE), max_size=60),
    st.text(st.one_of(PUNCTUATION, UNICODE, CONTROL), min_size=1, max_size=20),
    st.text(UNICODE, min_size=150, max_size=400),
)
EMAIL = st.one_of(st.just(""), st.emails(), ANSWER)
ANSWERS = st.fixed_dictionaries(
    {"project_name": ANSWER, "description": ANSWER, "author_name": ANSWER, "author_email": EMAIL}
)
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def bake_typed(answers: dict[str, str], output_dir: Path):
    """Run cookiecutter with `answers` typed at its prompts (Enter for everything else)."""

    def typed(var_name, default_value, *args, **kwargs):
        return answers.get(var_name, default_value)

    def first_choice(var_name, options, *args, **kwargs):
        return options[0]

    config = output_dir / "config.yaml"
    config.write_text(f"replay_dir: {output_dir / 'replay'}\n")
    with (
        mock.patch("cookiecutter.prompt.read_user_variable", typed),
        mock.patch("cookiecutter.prompt.read_user_choice", first_choice),
    ):
        return Path(
            cookiecutter(str(ROOT), output_dir=str(output_dir / "out"), config_file=str(config))
        )


def python_constants(path: Path) -> dict:
    return {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }


def check_refused(capfd, output_dir: Path) -> None:
    errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("ERROR: ")]
    assert errors, "the bake failed without a message"
    for line in errors:
        assert re.search(r"\b(type|remove|drop|leave)\b", line), f"no fix suggested: {line}"
    assert list((output_dir / "out").iterdir()) == [], "a refused bake left files behind"


def check_valid(project: Path, answers: dict[str, str]) -> None:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert pyproject["description"] == answers["description"]
    [author] = pyproject["authors"]
    assert author["name"] == answers["author_name"]
    assert author.get("email", "") == answers["author_email"]
    assert SLUG.fullmatch(pyproject["name"])
    assert len(pyproject["name"]) <= MAX_SLUG
    [package] = [path.name for path in (project / "src").iterdir()]
    assert package.isidentifier()
    assert not keyword.iskeyword(package)
    layout = python_constants(project / "src" / package / "layout.py")
    assert (layout["TITLE"], layout["DESCRIPTION"]) == (
        answers["project_name"],
        answers["description"],
    )
    for path in project.rglob("*"):
        if path.suffix in (".yml", ".yaml"):
            yaml.safe_load(path.read_text(encoding="utf-8"))
        elif path.suffix == ".py":
            compile(path.read_bytes(), str(path), "exec")
    assert checkers.ruff(project) == []
    assert checkers.package_metadata(project) == []


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answers=ANSWERS)
@example(
    answers=dict(
        zip(FIELDS, ['Q "uoted" \\ 数据 📊', "{ 7*7 }} <b>x</b>", "Zoë O'Brien", ""], strict=True)
    )
)
@example(answers=dict(zip(FIELDS, ["   ", "d", "a", ""], strict=True)))
@example(answers=dict(zip(FIELDS, ["9" * 70, "longest package name", "a", ""], strict=True)))
def test_typed_answers_are_refused_or_bake_a_valid_project(answers, capfd, tmp_path_factory):
    output_dir = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    capfd.readouterr()
    try:
        project = bake_typed(answers, output_dir)
    except FailedHookException:
        check_refused(capfd, output_dir)
        return
    assert not any(CONTROL_CHARS.search(answers[field]) for field in FIELDS), "should be refused"
    check_valid(project, answers)


@pytest.mark.slow  # two more full suite runs; the fast loop runs hostile text in test_ui's control
@settings(max_examples=2, deadline=None, phases=(Phase.explicit, Phase.generate))
@given(answers=ANSWERS)
@example(
    answers=dict(
        zip(
            FIELDS,
            ['Tableau «数据» \\ "q" 📊', "{ raw %} }} <i>&</i>", "Ann", "ann@example.org"],
            strict=True,
        )
    )
)
def test_the_generated_suite_passes_for_hostile_answers(answers, tmp_path_factory):
    output_dir = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    try:
        project = bake_typed(answers, output_dir)
    except FailedHookException:
        return  # refusals are checked above
    run = run_suite(project, DEFAULT_PYTHON)
    assert run.returncode == 0, run.output[-4000:]


USER_TEXT = re.compile(
    r"\{\{\s*cookiecutter\.(project_name|description|author_name|author_email)\b([^}]*)\}\}"
)


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in (ROOT / "{{cookiecutter.project_slug}}").rglob("*")
        if p.suffix in (".toml", ".yml", ".yaml", ".py")
    ],
    ids=lambda p: str(p.relative_to(ROOT / "{{cookiecutter.project_slug}}")),
)
def test_user_text_reaches_toml_yaml_and_python_only_through_an_escaping_filter(path):
    assert unescaped_user_text(path.read_text(encoding="utf-8")) == []


def unescaped_user_text(source: str) -> list[str]:
    return [
        match.group(0)
        for match in USER_TEXT.finditer(source)
        if not re.search(r"\|\s*(toml_str|py_str)\s*$", match.group(2))
    ]


def test_the_escaping_check_tells_pasted_text_from_filtered_text():
    assert unescaped_user_text('name = "{{ cookiecutter.author_name }}"') != []
    assert unescaped_user_text("TITLE = {{ cookiecutter.project_name | trim }}") != []
    assert unescaped_user_text("description = {{ cookiecutter.description | toml_str }}") == []
    assert unescaped_user_text("TITLE = {{ cookiecutter.project_name|py_str }}") == []
