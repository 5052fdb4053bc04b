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
    say_when_disconnected,
)
from {{ cookiecutter.package_name }}.panel_fixes import (
    start_busy_cleanup_on_the_event_loop,
)

# apply_signatures: Panel would rebuild every class's signature (for notebook
# tab-completion) in each new session, about 4% of a session's start.
pn.extension(
    sizing_mode="stretch_width",
    apply_signatures=False,
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
    say_when_disconnected(pn.state.curdoc)
