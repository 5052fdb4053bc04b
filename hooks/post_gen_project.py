"""Remove what the answers turned off, then print the next steps.

Runs inside the generated project. Safe to run twice (cruft re-runs hooks in
temporary directories): a path that is already gone is simply skipped.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

PRE_COMMIT = "{{ cookiecutter.pre_commit }}" == "yes"
SLUG = "{{ cookiecutter.project_slug }}"
# What the answers turned off: answers.py's table, which copier's _exclude reads too.
TURNED_OFF = json.loads(r"""{{ paths_turned_off(cookiecutter) | tojson }}""")


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def main() -> None:
    for name in TURNED_OFF:
        remove(Path(name))

    steps = [
        f"cd {SLUG}",
        "uv sync                                 # writes uv.lock: commit it",
        "uv run panel serve app.py --dev --show  # reloads while you edit",
        "uv run pytest",
    ]
    if PRE_COMMIT:
        steps.insert(3, "git init && uv run pre-commit install")
    lines = "\n".join(f"  {step}" for step in steps)
    print(f"\nCreated {SLUG}. Next steps:\n{lines}\n(Without uv: README.md, Quick start.)\n")


if __name__ == "__main__":
    main()
