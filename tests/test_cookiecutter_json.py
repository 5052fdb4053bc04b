"""cookiecutter.json asks what README.md's option table says, in its order, with its
defaults, and with readable prompts. The table is the spec a user reads, so a new
option is specified there once, not again in this file."""

import re

from bakes import COOKIECUTTER_JSON, OPTIONS, ROOT

QUESTIONS = [key for key in COOKIECUTTER_JSON if not key.startswith("_")]


def readme_options() -> list[tuple[list[str], list[str], str]]:
    """Each row of README's option table: (its option names, the values in its choices
    column, that column's text)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| Option | Choices (first = default) |", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1:3] for line in table.splitlines()[2:]]
    return [(re.findall(r"`([^`]+)`", names), re.findall(r"`([^`]+)`", choices), choices.strip())
            for names, choices in rows]  # fmt: skip


def test_the_questions_come_in_the_order_of_readmes_option_table():
    in_readme = [name for names, _, _ in readme_options() for name in names]
    assert in_readme == QUESTIONS, (
        "README.md's option table: a row per cookiecutter.json question, in its order"
    )


def test_readme_gives_each_option_its_choices_default_first_and_each_text_its_default(
    default_project,
):
    [package] = [path.name for path in (default_project / "src").iterdir()]
    baked = {"project_slug": default_project.name, "package_name": package}
    for names, shown, text in readme_options():
        for name in names:
            if name in OPTIONS:
                assert shown == OPTIONS[name], f"README.md: {name}'s choices are {OPTIONS[name]}"
            elif text.startswith("derived:"):  # what `cookiecutter --no-input` derives
                assert shown == [baked[name]], f"README.md: {name} derives {baked[name]}"
            elif shown:
                assert shown == [COOKIECUTTER_JSON[name]], f"README.md: {name}'s default"


def test_every_python_choice_runs_panel():
    assert all(tuple(map(int, v.split("."))) >= (3, 12) for v in OPTIONS["python_version"])


def test_every_question_and_choice_has_human_readable_text():
    prompts = COOKIECUTTER_JSON["__prompts__"]
    assert set(prompts) == set(QUESTIONS)
    for key, choices in OPTIONS.items():
        assert prompts[key]["__prompt__"]
        assert set(prompts[key]) - {"__prompt__"} == set(choices), key
