"""Rate limits for everything that writes: per IP address and per signed-in person."""

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .extensions import limiter


def per_user() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{get_remote_address()}"


def write_limit(config_key: str, count_only_saved: bool = False):
    """Apply the limit named in the config to POSTs, counted per IP and per person.

    With `count_only_saved`, a POST counts only when it saved something (answered
    with a redirect): a preview or a form with errors does not use up the allowance.
    """

    def limit_value() -> str:
        return current_app.config[config_key]

    deduct_when = _saved if count_only_saved else None

    def decorate(view):
        view = limiter.limit(
            limit_value,
            methods=["POST"],
            key_func=per_user,
            scope=f"{config_key}:user",
            deduct_when=deduct_when,
        )(view)
        return limiter.limit(
            limit_value, methods=["POST"], scope=f"{config_key}:ip", deduct_when=deduct_when
        )(view)

    return decorate


def _saved(response) -> bool:
    return response.status_code in (302, 303)
