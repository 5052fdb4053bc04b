"""The app's frame: the chosen Panel template with the pages in it.

`create_app` is called by app.py once per browser session, so everything it
creates (template, pages, widgets) belongs to that one session.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import panel as pn
from bokeh.document import Document
from bokeh.models import CustomJS

from .pages import PAGES, Page

TITLE = {{ cookiecutter.project_name | py_str }}
DESCRIPTION = {{ cookiecutter.description | py_str }}
DISCONNECTED = "Connection to the server lost. Reload the page to start again."
# Run by the browser when the session's websocket closes: a banner, set as text.
SHOW_NOTICE = """
const notice = document.createElement("div")
notice.setAttribute("role", "alert")
notice.textContent = message
notice.style.cssText = "position: fixed; top: 1rem; left: 50%; transform: translateX(-50%);"
  + "z-index: 10000; padding: 0.75rem 1.25rem; border-radius: 0.25rem;"
  + "background: #b00020; color: white; font: 1rem sans-serif"
document.body.append(notice)
"""


def create_app(pages: Sequence[type[Page]] = PAGES) -> pn.template.BaseTemplate:
    """Build this session's app: a new instance of every page, in the template."""
    views = [page() for page in pages]
    if len(views) == 1:
        [main] = views
    else:
        main = pn.Tabs(*[(view.title, view) for view in views], dynamic=True)
    # The template's own busy spinner is process-wide: Panel would turn it on in
    # every open session whenever any session is busy, sending each of them two
    # messages per click. This spinner follows this session's pages only.
    spinner = pn.indicators.LoadingSpinner(
        value=pn.bind(lambda *busy: any(busy), *[view.param.busy for view in views]),
        size=24,
        color="light",
        bgcolor="dark",
        align="center",
    )
    # Both are escaped because Panel inserts them into the page as HTML: a name
    # like "<script>..." must show as text, never run. (app.py gives the browser
    # tab the plain title.)
    return pn.template.{{ cookiecutter.ui_template | template_class }}(
        title=html.escape(TITLE),
        header=[signed_in_user(pn.state.user), spinner] if pn.state.user else [spinner],
        busy_indicator=None,
        main=[pn.pane.HTML(f"<p>{html.escape(DESCRIPTION)}</p>"), main],
    )


def signed_in_user(user: str) -> pn.pane.HTML:
    """Who is signed in to this session, and the way out (with sign-in only).

    `pn.state.user` is this session's user, set by the sign-in. Anything that belongs
    to a user across sessions is looked up by it, here in the session, never kept at
    module level. The name comes from outside the app, so it is escaped like the
    title. "logout" is Panel's sign-out page, next to the app's.
    """
    return pn.pane.HTML(
        f'<span class="signed-in-user">{html.escape(user)}</span> &middot; '
        '<a href="logout">Sign out</a>',
        stylesheets=["a { color: inherit; }"],
        styles={"color": "white"},
        align="center",
        width=280,
    )


def say_when_disconnected(doc: Document) -> None:
    """If the server goes away (a crash, a replica replaced), the session's state goes
    with it: the page says so, and that a reload starts afresh on a live server.

    One small callback in the session's document. (Panel's `disconnect_notification`
    builds a notification area in every session instead: a fifth of a session's start.)
    """
    doc.js_on_event("connection_lost", CustomJS(args={"message": DISCONNECTED}, code=SHOW_NOTICE))
