"""Package modules only define things; they create no state when imported.

Python imports a module once per process, so whatever a module creates at
import time is shared by every session the server runs: one user's rows would
appear for everyone. This guard reads the package's source and fails, naming
file:line, on import-time code that creates Panel objects or mutable containers.
Create them in a function, or in a page's __init__, instead.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "{{ cookiecutter.package_name }}"

# Panel calls that create no per-session object: decorators and explicit caches.
SHARED_ON_PURPOSE = {"cache", "depends", "as_cached"}
MUTABLE_BUILDERS = {"list", "dict", "set", "bytearray", "defaultdict", "OrderedDict", "deque"}
MUTABLE_LITERALS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def _panel_names(tree: ast.Module) -> set[str]:
    """Names that refer to Panel in this module: `pn`, `panel`, `from panel... import X`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.asname or a.name for a in node.names if a.name.split(".")[0] == "panel"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "panel":
            names |= {a.asname or a.name for a in node.names}
    return names


def panel_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """Names of the package's classes that derive from Panel classes (pages, components)."""
    found: set[str] = set()
    while True:
        before = len(found)
        for tree in trees.values():
            panel = _panel_names(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and any(
                    _root_name(base) in panel or _last_name(base) in found for base in node.bases
                ):
                    found.add(node.name)
        if len(found) == before:
            return found


class _ImportTimeCode:
    """Finds what a module's import-time code creates."""

    def __init__(self, tree: ast.Module, panel_classes: set[str]):
        self.panel = _panel_names(tree)
        self.panel_classes = panel_classes
        self.tree = tree

    def offences(self) -> Iterator[tuple[int, str]]:
        yield from self._statements(self.tree.body)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Global):
                yield node.lineno, f"`global {', '.join(node.names)}` changes module state"

    def _statements(self, body: list[ast.stmt]) -> Iterator[tuple[int, str]]:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # The body runs later, per call; decorators and defaults run now.
                defaults = [*stmt.args.defaults, *(d for d in stmt.args.kw_defaults if d)]
                yield from self._expressions([*stmt.decorator_list, *defaults])
            elif isinstance(stmt, ast.ClassDef):
                yield from self._expressions([*stmt.decorator_list, *stmt.bases])
                yield from self._statements(stmt.body)  # a class body runs at import
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                dunder = all(isinstance(t, ast.Name) and t.id.startswith("__") for t in targets)
                if stmt.value is not None and not dunder:
                    yield from self._expressions([stmt.value])
            elif isinstance(stmt, ast.Expr):
                yield from self._expressions([stmt.value])
            else:  # if / for / while / with / try / match at module level
                yield from self._expressions(
                    [child for child in ast.iter_child_nodes(stmt) if isinstance(child, ast.expr)]
                )
                for field in ("body", "orelse", "finalbody"):
                    yield from self._statements(getattr(stmt, field, []))
                for clause in [*getattr(stmt, "handlers", []), *getattr(stmt, "cases", [])]:
                    yield from self._statements(clause.body)

    def _expressions(self, nodes: list[ast.expr]) -> Iterator[tuple[int, str]]:
        for node in nodes:
            yield from self._expression(node)

    def _expression(self, node: ast.AST) -> Iterator[tuple[int, str]]:
        if isinstance(node, ast.Lambda):
            return  # runs later, per call
        if isinstance(node, MUTABLE_LITERALS):
            yield node.lineno, f"a mutable {type(node).__name__.lower()}"
            return
        if isinstance(node, ast.Call):
            root, last = _root_name(node.func), _last_name(node.func)
            if root == "param":
                return  # param parameters give every instance its own copy of their default
            if root in self.panel and last not in SHARED_ON_PURPOSE:
                yield node.lineno, f"a Panel object ({ast.unparse(node.func)})"
                return
            if last in self.panel_classes:
                yield node.lineno, f"a Panel component ({last})"
                return
            if last in MUTABLE_BUILDERS:
                yield node.lineno, f"a mutable {last}"
                return
        for child in ast.iter_child_nodes(node):
            yield from self._expression(child)


def find_offences(sources: dict[Path, str]) -> list[str]:
    """`file:line: what` for every module-level creation in these sources."""
    trees = {path: ast.parse(source, filename=str(path)) for path, source in sources.items()}
    classes = panel_classes(trees)
    return [
        f"{path}:{line}: creates {what} at import time; every session would share it"
        for path, tree in trees.items()
        for line, what in sorted(_ImportTimeCode(tree, classes).offences())
    ]


def test_package_modules_create_nothing_at_import_time():
    paths = sorted(PACKAGE.rglob("*.py"))
    sources = {path.relative_to(ROOT): path.read_text(encoding="utf-8") for path in paths}
    assert sources, f"no modules found under {PACKAGE}"
    offences = find_offences(sources)
    assert not offences, "Move these into a function or __init__:\n" + "\n".join(offences)


# The guard's own tests: each leak below must be caught, each safe pattern allowed.
LEAKS = {
    "widget": "import panel as pn\nBUTTON = pn.widgets.Button(label='Add')\n",
    "from-import": "from panel.widgets import Button\nBUTTON = Button(label='Add')\n",
    "layout": "import panel as pn\nROWS = pn.Column()\n",
    "list": "ROWS = []\n",
    "dict()": "CACHE = dict()\n",
    "class attribute": "class Page:\n    rows = []\n",
    "component": "import panel as pn\nclass Page(pn.viewable.Viewer):\n    pass\nPAGE = Page()\n",
    "default argument": "import panel as pn\ndef page(rows=pn.Column()):\n    return rows\n",
    "inside if": "import panel as pn\nif True:\n    ROWS = pn.Column()\n",
    "global": "def add(x):\n    global TOTAL\n    TOTAL = x\n",
}
SAFE = {
    "in a function": "import panel as pn\ndef rows():\n    return pn.Column()\n",
    "in __init__": "import panel as pn\nclass Page(pn.viewable.Viewer):\n    def __init__(self):\n        self.rows = pn.Column()\n",
    "cached": "import panel as pn\n@pn.cache\ndef limits():\n    return (0, 100)\n",
    "param default": "import param\nclass Page(param.Parameterized):\n    rows = param.List(default=[])\n",
    "tuple": "PAGES = ('rows', 'about')\n",
    "__all__": "__all__ = ['Page']\n",
    "lambda": "import panel as pn\nmake = lambda: pn.Column()\n",
}


@pytest.mark.parametrize("source", LEAKS.values(), ids=LEAKS.keys())
def test_guard_catches(source):
    [offence] = find_offences({Path("leaky.py"): source})
    assert offence.startswith("leaky.py:")


@pytest.mark.parametrize("source", SAFE.values(), ids=SAFE.keys())
def test_guard_allows(source):
    assert find_offences({Path("fine.py"): source}) == []
