"""Failed sign-ins slow guessing down without locking the owner out.

Failures, not attempts, are counted, in the rate-limit storage (memory, or the
Redis that all workers share), per network address and per submitted e-mail
address (hashed: the store holds no addresses in clear, and an unknown address
is counted like a real one, so the answers tell nobody which accounts exist):

- An address with many failures is refused before any password is checked,
  until its window ends. The limit is sized for an address that many people
  share (a workshop's Wi-Fi, a carrier's NAT), so one address can guess at many
  accounts only slowly, and refusing it refuses no one elsewhere.
- An e-mail address with a few failures gets a wrong password answered with a
  wait and the way to a new password. It is not a lock: the right password
  still signs in, and so does a reset link, so strangers guessing from many
  addresses cannot keep the owner out. Signing in or a reset clears the count.

Reset mails are capped per e-mail address the same way, silently: the page
answers alike, and the mails already sent hold links valid for longer than the
cap's window, so a stranger asking for mails cannot keep the owner from one.
"""

import hashlib
import math
import time
from functools import wraps

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from ..errors import render_error
from ..extensions import limiter
from .passwords import verify_password

ADDRESS_FAILURES = "LOGIN_FAILURE_LIMIT_PER_ADDRESS"
ACCOUNT_FAILURES = "LOGIN_FAILURE_LIMIT_PER_ACCOUNT"
RESET_MAILS = "RESET_MAIL_LIMIT_PER_ACCOUNT"
CODE_FAILURES = "SECOND_FACTOR_FAILURE_LIMIT_PER_ACCOUNT"


def _items(config_key: str) -> list[RateLimitItem]:
    """The limits to count against; none where rate limiting is switched off
    (RATELIMIT_ENABLED=False, e.g. a benchmark), which has no storage to count in."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return []
    return parse_many(current_app.config[config_key])


def _account(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"account:{digest}"


def _address() -> str:
    return f"address:{get_remote_address()}"


def _hit(config_key: str, key: str) -> bool:
    """Count one; False when that went over a limit."""
    return all([limiter.limiter.hit(item, config_key, key) for item in _items(config_key)])


def _wait(config_key: str, key: str) -> int:
    """Seconds until `key` is under all its limits again; 0 when it is now."""
    waits = [0]
    for item in _items(config_key):
        if not limiter.limiter.test(item, config_key, key):
            reset_at = limiter.limiter.get_window_stats(item, config_key, key).reset_time
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits)


def minutes(seconds: int) -> str:
    count = max(1, math.ceil(seconds / 60))
    return "1 Minute" if count == 1 else f"{count} Minuten"


def refuse_busy_address(view):
    """Refuse sign-ins from an address with too many failures, before any password check."""

    @wraps(view)
    def guarded(*args, **kwargs):
        wait = _wait(ADDRESS_FAILURES, _address()) if request.method == "POST" else 0
        if not wait:
            return view(*args, **kwargs)
        current_app.logger.warning("Anmeldung abgewiesen: zu viele Fehlversuche (%s)", _address())
        page, status = render_error(
            429,
            "Zu viele Fehlversuche bei der Anmeldung von Ihrer Internetadresse aus. "
            f"Bitte warten Sie {minutes(wait)} und versuchen Sie es dann erneut.",
        )
        return page, status, {"Retry-After": str(wait)}

    return guarded


def record_failure(email: str) -> int:
    """Count a failed sign-in; the seconds the account's owner is asked to wait, or 0."""
    _hit(ADDRESS_FAILURES, _address())
    _hit(ACCOUNT_FAILURES, _account(email))
    return _wait(ACCOUNT_FAILURES, _account(email))


def recheck_password(user, password: str) -> int | None:
    """A signed-in person confirms a weighty step (an export, a role change) with their
    password. None when it is right; otherwise the failure counts like a failed sign-in,
    so a session left open is no way to guess it, and the seconds to wait come back
    (0: no wait yet)."""
    if verify_password(user.password_hash, password):
        return None
    return record_failure(user.email)


def code_wait(email: str) -> int:
    """Seconds before the account's second-factor codes are checked again (0: now).

    Unlike a password, a six-digit code can be guessed, so while this wait runs no code
    is checked at all. Only wrong codes count here, and only someone who knew the
    password can send one: strangers guessing passwords cannot hold the owner up."""
    return _wait(CODE_FAILURES, _account(email))


def record_code_failure(email: str) -> int:
    """A wrong second-factor code counts as a failed sign-in and towards `code_wait`;
    the seconds to wait, or 0."""
    _hit(CODE_FAILURES, _account(email))
    return max(record_failure(email), code_wait(email))


def forget_code_failures(email: str) -> None:
    """The right code was given. Not part of `forget_account`: a correct password
    alone must not reset the count of guessed codes."""
    for item in _items(CODE_FAILURES):
        limiter.limiter.clear(item, CODE_FAILURES, _account(email))


def wait_hint(wait: int) -> str:
    """The sentence added to a refusal once failures ask for a pause."""
    return f" Zu viele Fehlversuche: Bitte warten Sie {minutes(wait)}." if wait else ""


def answer_with_wait(page: str, wait: int | None):
    """A page refusing a sign-in or identity check: after too many failures it goes out
    as 429 with the seconds to wait, so scripts and browsers see the pause too."""
    return (page, 429, {"Retry-After": str(wait)}) if wait else page


def forget_account(email: str) -> None:
    """The owner proved who they are (signed in, or set a password by the mailed link)."""
    for item in _items(ACCOUNT_FAILURES):
        limiter.limiter.clear(item, ACCOUNT_FAILURES, _account(email))


def may_send_reset_mail(email: str) -> bool:
    return _hit(RESET_MAILS, _account(email))
