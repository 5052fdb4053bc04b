"""The entry file: `panel serve app.py` serves this app.

Panel runs this file from the top for every new browser session, so the objects
created here (by `create_app`) are that session's state: no session-state dict
is needed. Modules you import are different: Python imports them once per
process and every session shares them, which is why the package under src/
only defines classes and functions.
"""

import panel as pn
{% if cookiecutter.auth == "oidc" %}
from {{ cookiecutter.package_name }}.access import (
    authorize,
)
{%- endif %}
from {{ cookiecutter.package_name }}.layout import (
    TITLE,
    create_app,
)
from {{ cookiecutter.package_name }}.panel_fixes import (
    start_busy_cleanup_on_the_event_loop,
)

# If the server goes away (a crash, a replica replaced), the session's state goes
# with it: say so, and that a reload starts afresh on a live server.
# apply_signatures: Panel would rebuild every class's signature (for notebook
# tab-completion) in each new session, about 4% of a session's start.
pn.extension(
    sizing_mode="stretch_width",
    apply_signatures=False,
    disconnect_notification="Connection to the server lost. Reload the page to start again.",
{%- if cookiecutter.auth == "oidc" %}
    authorize_callback=authorize,  # who may enter: src/{{ cookiecutter.package_name }}/access.py
{%- endif %}
)
start_busy_cleanup_on_the_event_loop()  # or Panel 1.10 keeps a core busy: see panel_fixes.py

create_app().servable()

if pn.state.curdoc is not None:
    # The template's title is HTML-escaped for its header; the browser tab's
    # title is escaped by Bokeh, so it gets the plain text.
    pn.state.curdoc.title = TITLE
