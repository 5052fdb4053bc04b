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
        "python -m venv .venv && . .venv/bin/activate",
        "python -m pip install --upgrade pip && python -m pip install -e . --group dev",
        "panel serve app.py --dev --show    # autoreload while you edit",
        "pytest",
    ]
    if PRE_COMMIT:
        steps.insert(4, "git init && pre-commit install")
    print(f"\nCreated {SLUG}. Next steps:\n" + "\n".join(f"  {step}" for step in steps) + "\n")


if __name__ == "__main__":
    main()
