"""Package modules only define things; they hold no state once imported.

Python imports a module once per process, so what a module holds after its import is
shared by every session: one user's rows would appear for everyone. This guard imports
every module of the package and fails, naming the module and the name, on what could
hold a session's state there: Panel objects and other Parameterized instances, mutable
containers (in module globals, class attributes or default arguments), and `global`.
Create them in a function or in a page's __init__ instead; share read-only data with
`pn.cache` (data.py).
"""

import importlib
import inspect
import pkgutil
import re
import sys
import types
from collections import deque

import param
import pytest

import {{ cookiecutter.package_name }} as package

MUTABLE = (list, dict, set, bytearray, deque, param.Parameterized)


def shared_state(module: types.ModuleType) -> list[str]:
    """`module.name: what` for each thing this module holds that a session could change."""
    uses_global = re.search(r"^\s*global\s", inspect.getsource(module), re.MULTILINE)
    found = [f"{module.__name__}: changes module state with `global`"] if uses_global else []
    for name, value in vars(module).items():
        if name.startswith("__") or inspect.ismodule(value) or _imported(module, name, value):
            continue
        where = f"{module.__name__}.{name}"
        if isinstance(value, MUTABLE):
            found.append(f"{where}: a {type(value).__name__} object")
        members = vars(value).items() if inspect.isclass(value) else [("", value)]
        for member, item in members:
            at = f"{where}.{member}".rstrip(".")
            if member and not member.startswith("__") and isinstance(item, MUTABLE):
                found.append(f"{at}: a {type(item).__name__} class attribute")
            defaults = [*(getattr(item, "__defaults__", None) or ())]
            defaults += (getattr(item, "__kwdefaults__", None) or {}).values()
            shared = [default for default in defaults if isinstance(default, MUTABLE)]
            found += [f"{at}: a {type(default).__name__} default" for default in shared]
    return found


def _imported(module: types.ModuleType, name: str, value: object) -> bool:
    """Whether `name` was imported from elsewhere rather than made by `module`."""
    if inspect.isclass(value) or inspect.isroutine(value):
        return value.__module__ != module.__name__
    others = [m for m in list(sys.modules.values()) if isinstance(m, types.ModuleType)]
    return any(vars(other).get(name) is value for other in others if other is not module)


def modules(root: types.ModuleType) -> list[types.ModuleType]:
    names = [info.name for info in pkgutil.walk_packages(root.__path__, f"{root.__name__}.")]
    return [root, *map(importlib.import_module, names)]


def test_package_modules_hold_no_state_after_import():
    found = [problem for module in modules(package) for problem in shared_state(module)]
    assert not found, "Every session would share these:\n" + "\n".join(found)


# The guard's own tests: each leak below must be caught, each safe pattern allowed.
LEAKS = {
    "widget": "import panel as pn\nBUTTON = pn.widgets.Button(label='Add')\n",
    "list": "ROWS = []\n",
    "made by a function": "import panel as pn\ndef make():\n    return pn.Column()\nROWS = make()\n",
    "class attribute": "class Page:\n    rows = []\n",
    "component": "import panel as pn\nclass Page(pn.viewable.Viewer):\n    pass\nPAGE = Page()\n",
    "default argument": "import panel as pn\ndef page(rows=pn.Column()):\n    return rows\n",
    "method default": "class Page:\n    def add(self, rows=[]):\n        pass\n",
    "global": "def add(x):\n    global TOTAL\n    TOTAL = x\n",
}
SAFE = {
    "in a function": "import panel as pn\ndef rows():\n    return pn.Column()\n",
    "in __init__": "import panel as pn\nclass Page(pn.viewable.Viewer):\n    def __init__(self):\n        self.rows = pn.Column()\n",
    "cached": "import panel as pn\n@pn.cache\ndef limits():\n    return (0, 100)\n",
    "param default": "import param\nclass Page(param.Parameterized):\n    rows = param.List(default=[])\n",
    "constants": "PAGES = ('rows', 'about')\nDOMAINS = frozenset({'example.com'})\n",
    "imported": "from panel import state\nfrom collections import defaultdict\n",
}


CASES = [*((source, True) for source in LEAKS.values()), *((s, False) for s in SAFE.values())]


@pytest.mark.parametrize(("source", "leaks"), CASES, ids=[*LEAKS, *SAFE])
def test_the_guard_catches_leaks_and_allows_safe_code(tmp_path, monkeypatch, source, leaks):
    (tmp_path / "example_module.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(tmp_path)
    module = importlib.import_module("example_module")
    try:
        assert bool(shared_state(module)) == leaks, shared_state(module)
    finally:
        del sys.modules["example_module"]
