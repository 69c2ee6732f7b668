"""Rate limits per signed-in person and per network address (sized for shared ones)."""

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .extensions import limiter


def per_user() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{get_remote_address()}"


def _anonymous() -> bool:
    return not current_user.is_authenticated


def write_limit(config_key: str, count_only_saved: bool = False):
    """Apply limits from the config to POSTs: `config_key` per signed-in person,
    `<config_key>_PER_ADDRESS` per network address.

    Many people can share one address (a workshop's Wi-Fi, a carrier's NAT), so
    the address limit is the larger one; the person's stays tight. With
    `count_only_saved`, a POST counts only when it saved something (answered
    with a redirect): a preview or a form with errors does not use up the allowance.
    """
    return person_and_address_limit(config_key, ["POST"], count_only_saved)


def person_and_address_limit(
    config_key: str, methods: list[str], count_only_saved=False, exempt_when=None
):
    """The limits of `write_limit`, for the given methods; none for the requests where
    `exempt_when()` is true (e.g. an idea form sent without photos)."""
    address_key = f"{config_key}_PER_ADDRESS"

    def person_limit() -> str:
        return current_app.config[config_key]

    def address_limit() -> str:
        return current_app.config[address_key]

    deduct_when = _saved if count_only_saved else None

    def decorate(view):
        view = limiter.limit(
            person_limit,
            methods=methods,
            key_func=per_user,
            scope=f"{config_key}:user",
            deduct_when=deduct_when,
            exempt_when=lambda: _anonymous() or bool(exempt_when and exempt_when()),
        )(view)
        return limiter.limit(
            address_limit,
            methods=methods,
            scope=f"{config_key}:ip",
            deduct_when=deduct_when,
            exempt_when=exempt_when,
        )(view)

    return decorate


def _saved(response) -> bool:
    return response.status_code in (302, 303)
