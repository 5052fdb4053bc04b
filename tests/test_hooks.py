"""The hooks: bad answers are refused cleanly; unused files are removed; re-runs are safe."""

from __future__ import annotations

import ast
import tempfile
import time
import tomllib
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.hooks import run_hook
from cookiecutter.main import _patch_import_path_for_repo

import checkers
from answers import MAX_SLUG
from bakes import DEFAULT_PYTHON, ROOT, bake, project_files
from suites import run_suite

SYSTEM_TEMP_DIR = Path(tempfile.gettempdir())  # read at collection, before conftest redirects it
SESSION_STARTED = time.time()


def hooks_left_in_system_temp_dir() -> list[Path]:
    """This template's rendered hooks written to the system temp dir since the session began."""
    ours = ("Refuse answers that cannot work", "Remove what the answers turned off")
    return [p for p in SYSTEM_TEMP_DIR.glob("tmp*.py") if p.stat().st_mtime >= SESSION_STARTED
            and any(marker in p.read_text(errors="replace") for marker in ours)]  # fmt: skip


# (answers, what the one-line message must say): each names the fix to type.
REFUSED = {
    "package with hyphen": ({"package_name": "my-app"}, "package_name 'my-app' is not a lowercase Python identifier"),
    "package with capitals": ({"package_name": "MyApp"}, "type e.g. 'myapp_app'"),
    "package starting with a digit": ({"package_name": "3d_viewer"}, "type e.g. 'app_3d_viewer_app'"),
    "keyword": ({"package_name": "class"}, "package_name 'class' is a Python keyword; type e.g. 'class_app'"),
    "shadows panel": ({"package_name": "panel"}, "would shadow the Panel library"),
    "shadows bokeh": ({"package_name": "bokeh"}, "would shadow the Bokeh library"),
    "shadows param": ({"package_name": "param"}, "would shadow the param library"),
    "shadows pytest": ({"package_name": "pytest"}, "would shadow pytest"),
    "shadows the stdlib": ({"package_name": "json"}, "would shadow the standard-library module 'json'"),
    "derived name shadows the stdlib": ({"project_name": "Email"}, "package_name 'email' would shadow the standard-library module"),
    "shadows the entry file": ({"package_name": "app"}, "would shadow the entry file app.py"),
    "shadows the test helpers": ({"package_name": "support"}, "would shadow the tests' helper module"),
    "slug too long": ({"project_slug": "a" * (MAX_SLUG + 1), "package_name": "a_app"}, f"keep it to {MAX_SLUG}"),
    "slug with capitals": ({"project_slug": "My-App", "package_name": "my_app"}, "project_slug 'My-App' must be lowercase letters, digits and single hyphens; type e.g. 'my-app'"),
    "slug with underscore": ({"project_slug": "my_app", "package_name": "my_app"}, "type e.g. 'my-app'"),
    "name without letters": ({"project_name": "!!!"}, "project_slug is empty because project_name '!!!' has no letters or digits"),
    "empty name": ({"project_name": "   ", "project_slug": "my-app"}, "project_name is empty"),
    "email without @": ({"author_email": "jane.example.com"}, "author_email 'jane.example.com' is not an email address"),
    "email without domain dot": ({"author_email": "jane@localhost"}, "is not an email address"),
    "email the build backend refuses": ({"author_email": "jöe@example.com"}, "is not an email address that package metadata accepts"),
    "email with a semicolon": ({"author_email": "a;b@example.com"}, "type e.g. 'jane@example.com', or leave it empty"),
    "no author at all": ({"author_name": "", "author_email": ""}, "author_name and author_email are both empty"),
    # Answers given here are rendered by cookiecutter; raw blocks deliver the braces literally,
    # as typing them at a prompt does.
    "Jinja in a description": ({"description": "{% raw %}says {{ hi }}{% endraw %}"}, "description contains '{{', which cookiecutter and cruft read as Jinja"),
    "Jinja comment in a name": ({"project_name": "{% raw %}App {# v2 #}{% endraw %}", "project_slug": "app-v2"}, "project_name contains '{#'"),
    "local version": ({"version": "0.1.0+local"}, "has a local part ('+...') or an epoch ('N!')"),
    "version with an epoch": ({"version": "1!2.0"}, "type a public version, e.g. '0.1.0'"),
    "version": ({"version": "one"}, "version 'one' is not a PEP 440 version; type e.g. '0.1.0'"),
    "two-line description": ({"description": "first\nsecond"}, "description must be one line of text, but it contains U+000A"),
    "comma in author with email": ({"author_name": "Doe, Jane", "author_email": "jane@example.com"}, "cannot contain a comma"),
}  # fmt: skip


@pytest.mark.parametrize(("answers", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_bad_answers_are_refused_with_a_clear_message_and_nothing_left_behind(
    cookies, tmp_path, capfd, answers, message
):
    result = bake(cookies, **answers)
    assert result.exit_code != 0
    assert isinstance(result.exception, FailedHookException)
    errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("ERROR: ")]
    assert any(message in line for line in errors), errors
    assert len(errors) == 1, errors  # one problem, one line
    [output_dir] = (tmp_path / "cookies").iterdir()
    assert list(output_dir.iterdir()) == []  # no half-made project


def hook_files_of(project_name: str, directory: Path) -> list[Path]:
    """Post-gen hooks cookiecutter rendered for this project (its slug) and left in `directory`."""
    return [
        path
        for path in directory.glob("tmp*.py")
        if f'SLUG = "{project_name}"' in path.read_text(errors="replace")
    ]


def test_rendered_hooks_cookiecutter_leaves_behind_stay_out_of_the_system_temp_dir(cookies):
    bake(cookies, project_name="hook-litter-check")
    assert hook_files_of("hook-litter-check", SYSTEM_TEMP_DIR) == []
    # cookiecutter still leaves them (if not, conftest's temp-dir fixture can go):
    assert hook_files_of("hook-litter-check", Path(tempfile.gettempdir()))


def test_no_bake_so_far_left_its_hooks_in_the_system_temp_dir():
    """Catches bakes made before the redirect, such as by a session fixture set up first
    (the session's end checks again, for tests that run after this one)."""
    assert hooks_left_in_system_temp_dir() == []


def test_every_problem_is_reported_at_once(cookies, capfd):
    bake(cookies, package_name="class", author_email="nope", version="v?")
    errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("ERROR: ")]
    assert len(errors) == 3, errors


ODD_BUT_VALID = {
    "project_name": 'Café "Ünïcode" \\ Dashboard — 数据 📊',
    "description": 'It\'s a "quoted" \\ back\\slash, tab-free <b>app</b> & more',
    "author_name": "Zoë O'Brien-Łukasz",
    "author_email": "zoe.o-brien+panel@example.co.uk",
}


def test_odd_but_valid_text_bakes_into_a_project_that_holds_it_literally(cookies):
    result = bake(cookies, **ODD_BUT_VALID)
    assert result.exit_code == 0, result.exception
    project = result.project_path
    assert project.name == "cafe-unicode-dashboard-shu-ju"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == ODD_BUT_VALID["description"]
    assert pyproject["project"]["authors"] == [
        {"name": ODD_BUT_VALID["author_name"], "email": ODD_BUT_VALID["author_email"]}
    ]
    layout = (project / f"src/{result.context['package_name']}/layout.py").read_text(
        encoding="utf-8"
    )
    constants = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(layout).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert constants["TITLE"] == ODD_BUT_VALID["project_name"]
    assert constants["DESCRIPTION"] == ODD_BUT_VALID["description"]
    assert checkers.package_metadata(project) == []


@pytest.mark.slow
def test_odd_but_valid_text_still_passes_the_generated_suite(cookies):
    project = bake(cookies, **ODD_BUT_VALID).project_path
    run = run_suite(project, DEFAULT_PYTHON)
    assert run.returncode == 0, run.output[-6000:]


def test_derived_names_are_valid_for_unusual_project_names(cookies):
    for name, slug, package in [
        ("3D Viewer", "3d-viewer", "app_3d_viewer"),
        ("Ünïcödé Ñame", "unicode-name", "unicode_name"),
        ("A" * 80, "a" * MAX_SLUG, "a" * MAX_SLUG),
    ]:
        result = bake(cookies, project_name=name)
        assert result.exit_code == 0, (name, result.exception)
        assert result.context["project_slug"] == slug
        assert result.context["package_name"] == package
        assert (result.project_path / "src" / package / "pages" / "rows.py").exists()


@pytest.mark.parametrize("hook", ["pre_gen_project", "post_gen_project"])
def test_hooks_can_run_again_on_a_generated_project(cookies, monkeypatch, hook):
    """cruft re-runs the hooks in temporary directories: a second run must change nothing."""
    result = bake(cookies, ci="none", docker="no", pre_commit="no", license="Proprietary")
    before = project_files(result.project_path)
    monkeypatch.chdir(ROOT)  # hooks are found relative to the template
    with _patch_import_path_for_repo(str(ROOT)):  # for local_extensions, as cookiecutter does
        run_hook(hook, result.project_path, {"cookiecutter": dict(result.context)})
    assert project_files(result.project_path) == before


def test_post_gen_prints_the_next_steps(cookies, capfd):
    bake(cookies)
    out = capfd.readouterr().out
    assert "cd panel-app" in out
    assert "panel serve app.py --dev" in out
    assert "pytest" in out
