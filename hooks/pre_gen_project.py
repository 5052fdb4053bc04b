"""Refuse answers that cannot work, before any file is written.

cookiecutter renders this file with the answers, runs it inside the new (still
empty) project directory and deletes that directory if it exits non-zero, so a
refusal leaves nothing behind. The checks are answers.py's, run as the file is
rendered; copier's validators use the same ones. Each problem is one line: what
is wrong, and what to type instead.
"""

import json
import sys

# tojson escapes every quote, so the raw string cannot end early.
PROBLEMS = json.loads(r"""{{ answer_problems(cookiecutter) | tojson }}""")

if __name__ == "__main__":
    for line in PROBLEMS:
        print(f"ERROR: {line}", file=sys.stderr)
    sys.exit(1 if PROBLEMS else 0)
