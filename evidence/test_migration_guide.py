"""Every Panel snippet in the template's docs/migrating-from-streamlit.md runs, and does
what it says. Runs inside a baked project, with the guide copied into its docs/."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "migrating-from-streamlit.md"


def sections() -> dict[str, list[str]]:
    """Python code blocks under each `## ` heading."""
    found: dict[str, list[str]] = {}
    for part in re.split(r"^## ", GUIDE.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]:
        title, _, body = part.partition("\n")
        found[title.strip()] = re.findall(r"```python\n(.*?)```", body, flags=re.DOTALL)
    return found


def run_panel_snippet(title: str) -> dict:
    """Run the section's Panel snippet as a module of its own (pn.cache looks modules up)."""
    [snippet] = [code for code in sections()[title] if "import panel" in code]
    module = types.ModuleType(f"migration_snippet_{len(sys.modules)}")
    module.__file__ = str(GUIDE)
    sys.modules[module.__name__] = module
    exec(compile(snippet, f"{GUIDE.name}: {title}", "exec"), module.__dict__)
    return module.__dict__


def click(button) -> None:
    button.clicks += 1


def test_every_section_shows_streamlit_then_panel():
    assert list(sections()) == ["A counter", "Dynamic rows", "Forms", "Caching", "Multipage apps"]
    for title, blocks in sections().items():
        kinds = ["panel" if "import panel" in code else "streamlit" for code in blocks]
        assert kinds[-1] == "panel", title
        assert kinds[0] == "streamlit", title


def test_counter():
    counter = run_panel_snippet("A counter")["counter"]
    click(counter.button)
    click(counter.button)
    assert counter.count == 2
    [markdown] = counter.__panel__().select(lambda obj: hasattr(obj, "object"))
    assert markdown.object == "Count: 2"


def test_dynamic_rows():
    snippet = run_panel_snippet("Dynamic rows")
    click(snippet["add_button"])
    click(snippet["add_button"])
    assert [0 <= row.value <= 100 for row in snippet["rows"]] == [True, True]
    click(snippet["clear_button"])
    assert len(snippet["rows"]) == 0


def test_forms():
    snippet = run_panel_snippet("Forms")
    snippet["name"].value = "Ada"
    snippet["age"].value = 36
    assert not snippet["message"].object
    click(snippet["submit_button"])
    assert snippet["message"].object == "Hello Ada, 36"


def test_caching():
    snippet = run_panel_snippet("Caching")
    assert snippet["load_prices"]("Paris") is snippet["load_prices"]("Paris")
    assert snippet["database"] is run_panel_snippet("Caching")["database"]  # one per process


def test_multipage_pages_share_state_by_sharing_objects():
    snippet = run_panel_snippet("Multipage apps")
    snippet["settings"].unit.value = "lb"
    assert snippet["report"].text.object == "Weights in lb"


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Snippets cache at process level, as in a server; start each test clean."""
    import panel as pn

    pn.state.clear_caches()
    yield
    pn.state.clear_caches()
