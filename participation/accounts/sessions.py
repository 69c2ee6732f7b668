"""Sign-in sessions, one per device: how they start, how long they last, how they end.

The only cookie is Flask's session cookie; Flask-Login keeps "<user id>:<token>" in
it, and the loader below finds the device's `SignInSession` by the token's hash. A
session stops working when it ends (signing out here, from another device, a new
password or e-mail address) or when its `expires_at` passes:

- staff: after STAFF_SESSION_IDLE_MINUTES without a request, at the latest
  STAFF_SESSION_MAX_HOURS after signing in; "Angemeldet bleiben" does not apply;
- residents with "Angemeldet bleiben": RESIDENT_REMEMBER_DAYS after signing in (the
  cookie lives as long);
- residents without it: a browser-session cookie, and after
  RESIDENT_SESSION_IDLE_HOURS without a request (browsers that restore their tabs
  keep such cookies), at the latest also after RESIDENT_REMEMBER_DAYS.

The server decides, in the loader: a copied cookie is worth no more than the row.
`last_seen_at` is written at most once per TOUCH_INTERVAL, not on every page view, so
idle time is measured to within that interval.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, flash, g, redirect, request, session
from flask_login import current_user, login_url, login_user, logout_user
from flask_login.config import SESSION_KEYS
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db, login_manager
from ..timeutil import utcnow
from .browsers import browser_summary
from .models import SignInSession, User

TOUCH_INTERVAL = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expiry(sign_in: SignInSession, staff: bool, now: datetime) -> datetime:
    """When the session stops working if it is not used again after `now`."""
    config = current_app.config
    if staff:
        idle = timedelta(minutes=config["STAFF_SESSION_IDLE_MINUTES"])
        return min(
            now + idle, sign_in.created_at + timedelta(hours=config["STAFF_SESSION_MAX_HOURS"])
        )
    longest = sign_in.created_at + timedelta(days=config["RESIDENT_REMEMBER_DAYS"])
    if sign_in.remember:
        return longest
    return min(now + timedelta(hours=config["RESIDENT_SESSION_IDLE_HOURS"]), longest)


# --- Starting -------------------------------------------------------------------------


def record_sign_in(user: User, token: str, remember: bool, user_agent: str) -> SignInSession:
    """The row for a device that signs in with `token` (callable without a request)."""
    now = utcnow()
    sign_in = SignInSession(
        user=user,
        token_hash=token_hash(token),
        browser=browser_summary(user_agent),
        remember=remember and not user.is_staff,
        created_at=now,
        last_seen_at=now,
    )
    sign_in.expires_at = _expiry(sign_in, user.is_staff, now)
    db.session.add(sign_in)
    db.session.flush()
    return sign_in


def start_session(user: User, remember: bool = False) -> SignInSession | None:
    """Sign `user` in on this device: the one way in (login, reset link, second factor).

    With `remember` (and not for staff) the cookie outlives the browser session, for
    RESIDENT_REMEMBER_DAYS. A sign-in this browser had before ends. None when the
    account may not sign in (deleted).
    """
    _end_replaced_sign_in()
    token = secrets.token_urlsafe(32)
    user.sign_in_token = token  # what get_id hands Flask-Login, for this call only
    try:
        signed_in = login_user(user)
    finally:
        user.sign_in_token = None
    if not signed_in:
        return None
    sign_in = record_sign_in(user, token, remember, request.user_agent.string)
    user.last_login_at = sign_in.created_at  # not at the password: a code may follow
    session.permanent = sign_in.remember
    g.sign_in = sign_in
    current_app.logger.info("Konto %s angemeldet (%s)", user.id, sign_in.browser)
    return sign_in


def _end_replaced_sign_in() -> None:
    sign_in = current_sign_in() if current_user.is_authenticated else None
    if sign_in is not None and sign_in in db.session:  # not when just deleted
        sign_in.end(utcnow())


# --- Each request ---------------------------------------------------------------------


def current_sign_in() -> SignInSession | None:
    """This device's session, once Flask-Login has loaded the person for the request."""
    return g.get("sign_in")


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login's loader: the person of an active session whose token is in the cookie."""
    user_id, _, token = session_id.partition(":")
    sign_in = _sign_in_with(token) if user_id.isdigit() and token else None
    if sign_in is None or str(sign_in.user_id) != user_id or not sign_in.user.is_active:
        return _forget_sign_in()
    now = utcnow()
    if not sign_in.active_at(now):
        return _forget_sign_in(_ending_message(sign_in, now))
    _touch(sign_in, now)
    g.sign_in = sign_in
    return sign_in.user


def _sign_in_with(token: str) -> SignInSession | None:
    # The person and their roles in the same round trips: every page asks for them.
    return db.session.scalar(
        select(SignInSession)
        .where(SignInSession.token_hash == token_hash(token))
        .options(joinedload(SignInSession.user).selectinload(User.roles))
    )


def _touch(sign_in: SignInSession, now: datetime) -> None:
    if now - sign_in.last_seen_at < TOUCH_INTERVAL:
        return
    sign_in.last_seen_at = now
    sign_in.expires_at = _expiry(sign_in, sign_in.user.is_staff, now)


def _ending_message(sign_in: SignInSession, now: datetime) -> str | None:
    """Why a session that ran out has ended (it is marked ended here, once); None when
    it had already been ended (signing out, from another device)."""
    if sign_in.ended_at is not None:
        return None
    sign_in.end(sign_in.expires_at)
    config = current_app.config
    if not sign_in.user.is_staff:
        return "Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an."
    if now >= sign_in.created_at + timedelta(hours=config["STAFF_SESSION_MAX_HOURS"]):
        return (
            f"Sie wurden abgemeldet: Eine Anmeldung mit Mitarbeiterrechten gilt höchstens "
            f"{config['STAFF_SESSION_MAX_HOURS']} Stunden. Bitte melden Sie sich erneut an."
        )
    return (
        f"Sie wurden nach {config['STAFF_SESSION_IDLE_MINUTES']} Minuten ohne Aktivität "
        "abgemeldet. Bitte melden Sie sich erneut an."
    )


def _forget_sign_in(message: str | None = None) -> None:
    """Drop a dead sign-in from the cookie, so it is not looked up again; say why once."""
    for key in SESSION_KEYS:
        session.pop(key, None)
    session.permanent = False
    if message:
        flash(message, "info")
        g.sign_in_ended = True
    return None


def send_to_login():
    """For pages that need a sign-in: to the login page, and back here afterwards. When
    the session has just run out, that message has been given instead of the usual one."""
    if not g.get("sign_in_ended"):
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


# --- Ending ---------------------------------------------------------------------------


def end_current_session() -> None:
    """Signing out: this device's session ends; other devices stay signed in."""
    sign_in = current_sign_in()
    if sign_in is not None:
        end_session(sign_in)
    logout_user()
    session.permanent = False


def end_other_sessions(user: User, keep: SignInSession | None) -> int:
    """Every active session of `user` but `keep` ends; how many did."""
    now = utcnow()
    others = update(SignInSession).where(
        SignInSession.user_id == user.id, SignInSession.active_at(now)
    )
    if keep is not None:
        others = others.where(SignInSession.id != keep.id)
    ended = db.session.execute(others.values(ended_at=now, expires_at=now)).rowcount
    db.session.flush()
    return ended


def other_device(
    user: User, sign_in_id: int, this_device: SignInSession | None
) -> SignInSession | None:
    """Another active session of `user` by its id, or None (someone else's, ended, or
    this device's own, which signs out with "Abmelden")."""
    sign_in = db.session.get(SignInSession, sign_in_id)
    if sign_in is None or sign_in.user_id != user.id or not sign_in.active_at(utcnow()):
        return None
    if this_device is not None and sign_in.id == this_device.id:
        return None
    return sign_in


def end_session(sign_in: SignInSession) -> None:
    sign_in.end(utcnow())
    db.session.flush()
    current_app.logger.info("Konto %s: ein Gerät abgemeldet", sign_in.user_id)


def end_all_sessions(user: User) -> None:
    """Every session of `user` ends, here too, and its record is deleted (blocking, a
    role taken away, a new password by link, the account deleted)."""
    db.session.execute(delete(SignInSession).where(SignInSession.user_id == user.id))
    db.session.flush()


# --- Reading --------------------------------------------------------------------------


def active_sessions(user: User) -> list[SignInSession]:
    """The devices `user` is signed in on, the most recently used first."""
    return list(
        db.session.scalars(
            select(SignInSession)
            .where(SignInSession.user_id == user.id, SignInSession.active_at(utcnow()))
            .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
        )
    )
