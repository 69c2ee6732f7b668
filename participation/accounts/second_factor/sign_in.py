"""The step between the password and the code: who is signing in, kept in the session.

After the right password, a person with a second factor is not signed in yet. The
session (signed by the app, so nobody can write another id into it) remembers who
it is, since when, whether to stay signed in and where to go next, for a few
minutes (SECOND_FACTOR_PENDING_SECONDS); then the password must be given again.
"""

import hashlib
import time
from dataclasses import dataclass

from flask import current_app, session

from ...extensions import db
from ...safe_redirect import is_local_path
from ..models import User

PENDING = "second_factor_pending"


@dataclass
class PendingSignIn:
    user: User
    remember: bool
    target: str | None


def begin(user: User, remember: bool, target: str | None) -> None:
    session[PENDING] = {
        "user_id": user.id,
        "since": int(time.time()),
        "remember": bool(remember),
        "target": target if is_local_path(target) else None,
        "password": _fingerprint(user),
    }


def _fingerprint(user: User) -> str:
    """Ties the waiting step to the password it followed: a new password cancels it."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def pending() -> PendingSignIn | None:
    """The sign-in waiting for its code; None when there is none or it expired."""
    state = session.get(PENDING)
    if not isinstance(state, dict):
        return None
    age = time.time() - state.get("since", 0)
    user = db.session.get(User, state.get("user_id", 0))
    if age > current_app.config["SECOND_FACTOR_PENDING_SECONDS"] or not _may_continue(user, state):
        session.pop(PENDING, None)
        return None
    return PendingSignIn(user, bool(state.get("remember")), state.get("target"))


def _may_continue(user: User | None, state: dict) -> bool:
    return (
        user is not None
        and user.is_active
        and user.has_second_factor
        and state.get("password") == _fingerprint(user)
    )


def finish() -> None:
    session.pop(PENDING, None)
