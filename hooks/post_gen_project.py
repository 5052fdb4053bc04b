"""Remove what the answers turned off, then print the next steps.

Runs inside the generated project. Safe to run twice (cruft re-runs hooks in
temporary directories): a path that is already gone is simply skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

CI = "{{ cookiecutter.ci }}"
DOCKER = "{{ cookiecutter.docker }}" == "yes"
PRE_COMMIT = "{{ cookiecutter.pre_commit }}" == "yes"
LICENSE = "{{ cookiecutter.license }}"
SLUG = "{{ cookiecutter.project_slug }}"

# path -> keep it?
OPTIONAL_PATHS = {
    ".github": CI == "github",
    ".gitlab-ci.yml": CI == "gitlab",
    "Dockerfile": DOCKER,
    ".dockerignore": DOCKER,
    "compose.yaml": DOCKER,
    "deploy": DOCKER,
    "docs": DOCKER,  # docs/deploying.md
    ".pre-commit-config.yaml": PRE_COMMIT,
    "LICENSE": LICENSE != "Proprietary",
}


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def main() -> None:
    for name, keep in OPTIONAL_PATHS.items():
        if not keep:
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
