#!/bin/sh
# Serve app.py for production, configured only from the environment (so no
# secret is ever written into a file or an image):
#
#   ALLOWED_ORIGINS             required: the host[:port] names users type, comma-separated
#   PORT                        default 5006
#   ADDRESS                     default 0.0.0.0
#   NUM_PROCS                   default 1; prefer more replicas behind a sticky balancer
#   UNUSED_SESSION_LIFETIME_MS  default 60000: how long a closed tab's session is kept
#   CHECK_UNUSED_SESSIONS_MS    default 10000: how often closed sessions are freed
#   COOKIE_SECRET               signs cookies; needed once you add --oauth-provider
set -eu
cd "$(dirname "$0")/.."

origins="${ALLOWED_ORIGINS:?set ALLOWED_ORIGINS to the host names users type, e.g. app.example.com}"
set --
for origin in $(printf '%s' "$origins" | tr ',' ' '); do
  set -- "$@" --allow-websocket-origin "$origin"
done
if [ -n "${COOKIE_SECRET:-}" ]; then
  # Panel reads it from its own variable: a command-line flag would show in `ps`.
  export PANEL_COOKIE_SECRET="$COOKIE_SECRET"
fi

exec panel serve app.py \
  --address "${ADDRESS:-0.0.0.0}" \
  --port "${PORT:-5006}" \
  --num-procs "${NUM_PROCS:-1}" \
  --liveness \
  --unused-session-lifetime "${UNUSED_SESSION_LIFETIME_MS:-60000}" \
  --check-unused-sessions "${CHECK_UNUSED_SESSIONS_MS:-10000}" \
  --warm \
  --use-xheaders \
  "$@"
