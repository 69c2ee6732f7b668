"""One signed token scheme for every link that stops mail: a person and what to stop.

The scope is a category, "summary" (every category sent in summaries) or "all". The
token does not expire: a link in a mail from last year still stops the mail.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from .categories import Category

SCOPES = frozenset({*Category, "summary", "all"})


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notification-mails")


def stop_token(user_id: int, scope: str) -> str:
    return _serializer().dumps([user_id, str(scope)])


def read_stop_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, scope = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or scope not in SCOPES:
        return None
    return user_id, scope
