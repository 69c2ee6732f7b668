"""Signed, expiring tokens for e-mail confirmation, password reset and a new address.

Each token carries a fingerprint of the state it changes (the unconfirmed
address, the current password hash, for a new address both), so it stops working
once it was used.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .models import User

CONFIRM = "confirm-email"
RESET = "reset-password"
EMAIL_CHANGE = "change-email"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _fingerprint(purpose: str, user: User) -> str:
    # A new address or password ends reset links and pending address changes alike.
    email = user.email.lower()
    state = email if purpose == CONFIRM else f"{email}:{user.password_hash}"
    return hashlib.sha256(f"{purpose}:{state}".encode()).hexdigest()[:20]


def _max_age(purpose: str) -> int:
    key = "TOKEN_MAX_AGE_RESET" if purpose == RESET else "TOKEN_MAX_AGE_CONFIRM"
    return current_app.config[key]


def make_token(purpose: str, user: User, **details) -> str:
    """`details` (short keys, JSON values) travel signed with the token."""
    return _serializer(purpose).dumps({**details, "u": user.id, "f": _fingerprint(purpose, user)})


def read_token(purpose: str, token: str, load_user) -> User | None:
    """The user the token was made for, if it is genuine, fresh and unused."""
    found = read_token_with_details(purpose, token, load_user)
    return found[0] if found else None


def read_token_with_details(purpose: str, token: str, load_user) -> tuple[User, dict] | None:
    """The user and everything the token carries, if it is genuine, fresh and unused."""
    try:
        data = _serializer(purpose).loads(token, max_age=_max_age(purpose))
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = load_user(data.get("u"))
    if user is None or user.deleted_at is not None:
        return None
    if data.get("f") != _fingerprint(purpose, user):
        return None
    if purpose == CONFIRM and user.is_confirmed:
        return None
    return user, data
