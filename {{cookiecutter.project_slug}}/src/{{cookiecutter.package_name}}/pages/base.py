"""What every page has: a title for its tab, and a busy flag for its session."""

from __future__ import annotations

from typing import ClassVar

import panel as pn
import param


class Page(pn.viewable.Viewer):
    """Base class for pages. Keep a page's state in parameters and in __init__.

    Set `busy` while slow work runs (in an `async` callback, so the change reaches
    the browser before the work ends): the header spinner of this session, and
    of no other, follows it.
    """

    title: ClassVar[str] = "Untitled"

    busy = param.Boolean(default=False, doc="True while the page works for its user.")
