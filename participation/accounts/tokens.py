"""Signed, expiring tokens for e-mail confirmation and password reset.

Each token carries a fingerprint of the state it changes (the unconfirmed
address, the current password hash), so it stops working once it was used.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .models import User

CONFIRM = "confirm-email"
RESET = "reset-password"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _fingerprint(purpose: str, user: User) -> str:
    state = user.email.lower() if purpose == CONFIRM else user.password_hash
    return hashlib.sha256(f"{purpose}:{state}".encode()).hexdigest()[:20]


def _max_age(purpose: str) -> int:
    key = "TOKEN_MAX_AGE_CONFIRM" if purpose == CONFIRM else "TOKEN_MAX_AGE_RESET"
    return current_app.config[key]


def make_token(purpose: str, user: User) -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(purpose, user)})


def read_token(purpose: str, token: str, load_user) -> User | None:
    """The user the token was made for, if it is genuine, fresh and unused."""
    try:
        data = _serializer(purpose).loads(token, max_age=_max_age(purpose))
    except BadSignature:
        return None
    user = load_user(data.get("u"))
    if user is None or user.deleted_at is not None:
        return None
    if data.get("f") != _fingerprint(purpose, user):
        return None
    if purpose == CONFIRM and user.is_confirmed:
        return None
    return user
