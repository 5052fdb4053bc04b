"""copier's side of sharing the project directory with cookiecutter.

The template's files say `cookiecutter.project_name`, as cookiecutter wants; this
hook gives copier's context the same `cookiecutter` mapping: every answer, and
`__answers`, the name of copier's answers file (cookiecutter.json sets it to "",
so cookiecutter writes no such file). Loaded by copier.yml only.
"""

from __future__ import annotations

from copier_template_extensions import ContextHook


class CookiecutterNamespace(ContextHook):
    def hook(self, context: dict) -> None:
        answers = {name: value for name, value in context.items() if not name.startswith("_")}
        context["cookiecutter"] = answers | {"__answers": context["_copier_conf"]["answers_file"]}
