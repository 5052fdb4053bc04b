"""`panel serve --setup` for bench.py's click figures: start Panel 1.10's busy-event clean-up
on the server's event loop, as a browser's first events do and as the generated
project's panel_fixes.py does. Started from a worker thread instead (by the
benchmark client's first click), it reschedules itself forever and burns a core,
which would be counted against the app's clicks.
"""

import panel as pn
from tornado.ioloop import IOLoop

IOLoop.current().add_callback(pn.state._schedule_busy_cleanup)
