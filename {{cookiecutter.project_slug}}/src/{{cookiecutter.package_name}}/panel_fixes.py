"""A work-around for a Panel 1.10 bug that keeps the server busy forever.

Every click makes Panel record a "busy" event, and the first one starts a
process-wide clean-up of stale events. Panel 1.10 runs session callbacks on
worker threads (with Bokeh 3.10), and a clean-up started from a worker thread
asks to be started again on the next tick, which is again a worker thread, and
so on: after the first click, one core runs at 100% for the life of the process.
Starting the clean-up on the server's event loop, before anyone clicks, avoids it.

Needed with: Panel 1.10.0 (the newest release when this project was made).
When it can go: remove the call in app.py, serve the app, click once, then watch
the server (`top`): if it idles near 0% CPU on the Panel you upgraded to, delete
this module as well.
"""

from __future__ import annotations

import panel as pn


def start_busy_cleanup_on_the_event_loop() -> None:
    """Have Panel start its busy-event clean-up on the server's event loop.

    Call it from the served script; it does nothing outside a server session (or
    in a warm-up run), or once the clean-up is running. (It uses two private Panel
    names, so it checks they exist rather than break the app when Panel changes them.)
    """
    state_class = type(pn.state)
    started = getattr(state_class, "_busy_cleanup_scheduled", "unknown")
    schedule = getattr(pn.state, "_schedule_busy_cleanup", None)
    doc = pn.state.curdoc
    server_context = getattr(doc and doc.session_context, "server_context", None)
    if started is not None or schedule is None or server_context is None:
        return  # not in a served session (a --warm run has no server context)
    loop = server_context.application_context.io_loop
    loop.add_callback(schedule)  # thread-safe: runs on the event loop's thread
