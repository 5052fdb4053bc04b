"""The app's pages, in the order they are shown.

To add one: write a subclass of `Page` (base.py) with a `title` in a new module
of this package, import it here and add it to PAGES. With more than one page the
layout shows one tab per page.
"""

from .base import Page
from .rows import RowsPage

PAGES: tuple[type[Page], ...] = (RowsPage,)
