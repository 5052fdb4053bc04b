"""Who may enter: every user the identity provider signs in, unless you say otherwise.

Panel calls `authorize` with the signed-in user's claims (from the ID token: email,
name, and whatever else your provider sends for the scopes asked, such as groups)
before it builds their session. True lets them in; False shows Panel's "not
authorized" page. Restrict entry by filling in the sets below.
"""

from __future__ import annotations

from collections.abc import Mapping

# E.g. frozenset({"example.com"}): only users whose email is at one of these domains.
ALLOWED_EMAIL_DOMAINS: frozenset[str] = frozenset()
# E.g. frozenset({"sales"}): only members of one of these groups (the "groups" claim;
# ask your provider to send it).
ALLOWED_GROUPS: frozenset[str] = frozenset()


def authorize(user_info: Mapping[str, object]) -> bool:
    """Whether this signed-in user may use the app."""
    if ALLOWED_EMAIL_DOMAINS:
        email = str(user_info.get("email") or "")
        if email.rpartition("@")[2].lower() not in ALLOWED_EMAIL_DOMAINS:
            return False
    if ALLOWED_GROUPS:
        groups = user_info.get("groups")
        if not isinstance(groups, list) or not ALLOWED_GROUPS.intersection(groups):
            return False
    return True
