"""cookiecutter.json asks the right questions, in order, with readable prompts."""

from bakes import COOKIECUTTER_JSON, OPTIONS

QUESTIONS = [
    "project_name", "project_slug", "package_name", "description", "author_name",
    "author_email", "version", "python_version", "ui_template", "auth", "ci", "docker",
    "license", "pre_commit",
]  # fmt: skip


def test_questions_come_in_this_order():
    assert [key for key in COOKIECUTTER_JSON if not key.startswith("_")] == QUESTIONS


def test_defaults_come_first():
    assert {key: choices[0] for key, choices in OPTIONS.items()} == {
        "python_version": "3.12",
        "ui_template": "bootstrap",
        "auth": "none",
        "ci": "github",
        "docker": "yes",
        "license": "MIT",
        "pre_commit": "yes",
    }
    assert OPTIONS["python_version"] == ["3.12", "3.13"]  # Panel 1.10 needs 3.12+
    assert OPTIONS["ui_template"] == ["bootstrap", "material", "fast", "vanilla"]
    assert OPTIONS["auth"] == ["none", "basic", "oidc"]
    assert OPTIONS["license"] == ["MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"]


def test_every_question_and_choice_has_human_readable_text():
    prompts = COOKIECUTTER_JSON["__prompts__"]
    assert set(prompts) == set(QUESTIONS)
    for key, choices in OPTIONS.items():
        assert prompts[key]["__prompt__"]
        assert set(prompts[key]) - {"__prompt__"} == set(choices), key
