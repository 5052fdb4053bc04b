"""The app's pages, in the order they are shown.

To add a page: write a `pn.viewable.Viewer` subclass with a `title` in a new
module next to rows.py (keep its state in `param` parameters and attributes set
in `__init__`), import it here and add it to PAGES. With more than one page the
layout shows one tab per page.
"""

from .rows import RowsPage

PAGES = (RowsPage,)

__all__ = ["PAGES", "RowsPage"]
