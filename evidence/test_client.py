"""The protocol client itself (client.py): a session that connects while the server is
pushing changes to every session still loads its document and follows them, as a
browser does. A push can arrive between the server's ACK and the pulled document (the
reference app's process-wide busy indicator does that on every click); applied to the
empty document, it would end the session's reader. Runs inside a baked project."""

from client import Session
from production import sessions
from support import serve

APP = """\
import panel as pn

# One widget every session shows, changed by each session's own timer: every session
# gets a push every few milliseconds, also while others connect.
ticks = pn.state.cache.setdefault("ticks", pn.widgets.IntInput(label="Ticks", value=0))
pn.state.add_periodic_callback(lambda: setattr(ticks, "value", ticks.value + 1), period=10)
ticks.servable()
"""
SESSIONS = 10


def ticks(session: Session) -> int:
    return next(m.value for m in session.models() if getattr(m, "title", None) == "Ticks")


def test_sessions_opened_while_the_server_pushes_load_and_follow_the_changes(tmp_path):
    app = tmp_path / "ticking.py"
    app.write_text(APP, encoding="utf-8")
    with serve(app) as server, sessions() as open_session:
        opened = [open_session(server.url) for _ in range(SESSIONS)]
        for session in opened:
            seen = ticks(session)
            assert session.wait_for(lambda s, seen=seen: ticks(s) > seen + 10), "stopped"
