"""Account rules: sign-up, confirmation, login, password reset, profile, staff."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..links import external_url
from ..outbox.services import mailed_recently, queue_mail
from ..roles import Role, RoleAssignment
from ..rules import RuleError
from ..strategy.models import Municipality
from ..strategy.services import get_municipality
from ..timeutil import utcnow
from . import tokens
from .models import ORGANISATION_KINDS, SignInSession, User, UserKind
from .names import name_problem
from .passwords import hash_password, needs_rehash, verify_password
from .sessions import end_all_sessions, end_other_sessions

EXISTING_ACCOUNT_SUBJECT = "Sie haben bereits ein Konto"
EXISTING_ACCOUNT_HINT_INTERVAL = timedelta(hours=1)


class AccountError(RuleError):
    """A rule about accounts was broken."""


@dataclass
class ProfileData:
    display_name: str
    kind: str = UserKind.RESIDENT
    organisation_name: str | None = None
    municipality_id: int | None = None


def find_user_by_email(email: str) -> User | None:
    # lower() on both sides, done by the database: the same folding as the
    # unique index on lower(email), also for letters beyond ASCII.
    return db.session.scalar(
        select(User).where(func.lower(User.email) == func.lower(email.strip()))
    )


def get_user(user_id) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None


def _apply_profile(user: User, profile: ProfileData) -> None:
    """Check everything first, then change the user: a broken rule changes nothing."""
    is_org = profile.kind in ORGANISATION_KINDS
    organisation_name = (profile.organisation_name or "").strip() if is_org else ""
    if is_org and not organisation_name:
        raise AccountError(
            "Bitte geben Sie den Namen Ihrer Organisation an.", field="organisation_name"
        )
    display_name = profile.display_name.strip()
    _check_name(user, "display_name", display_name)
    _check_name(user, "organisation_name", organisation_name)
    municipality_id = _existing_municipality_id(profile.municipality_id)
    user.display_name = display_name
    user.kind = profile.kind
    user.organisation_name = organisation_name or None
    user.municipality_id = municipality_id


def _check_name(user: User, field: str, name: str) -> None:
    """Visible characters only; staff names only for staff and for names staff gave."""
    reserved_allowed = user.is_staff or name == getattr(user, field)
    organisation = field == "organisation_name"
    problem = name_problem(name, organisation=organisation, reserved_allowed=reserved_allowed)
    if problem:
        raise AccountError(problem, field=field)


def _existing_municipality_id(municipality_id: int | None) -> int | None:
    if not municipality_id:
        return None
    if db.session.get(Municipality, municipality_id) is None:
        raise AccountError("Bitte wählen Sie eine Kommune aus der Liste.", field="municipality")
    return municipality_id


def register_user(email: str, password: str, profile: ProfileData) -> User | None:
    """Create an unconfirmed account and mail the confirmation link.

    For an address that already has an account nothing is created; its owner
    gets a hint instead, and the caller answers exactly as for a new account.
    """
    # Hash before looking: an answer that came back faster for a known address
    # would tell who has an account, which the identical page is meant to hide.
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is not None:
        mail_existing_account_hint(existing)
        return None
    user = User(email=email.strip(), password_hash=password_hash)
    _apply_profile(user, profile)
    db.session.add(user)
    db.session.flush()
    send_confirmation(user)
    current_app.logger.info("Konto %s registriert", user.id)
    return user


def mail_existing_account_hint(user: User, template: str = "existing_account") -> None:
    """Tell the owner that someone tried to use their address for another account (to
    sign up, or as a new address: `template` says which), at most hourly.

    Otherwise anyone could fill a stranger's inbox by signing up with their address
    again and again. The page answers the same either way.
    """
    if mailed_recently(user.email, EXISTING_ACCOUNT_SUBJECT, EXISTING_ACCOUNT_HINT_INTERVAL):
        current_app.logger.info("Hinweis auf bestehendes Konto %s schon verschickt", user.id)
        return
    queue_mail(
        user.email,
        EXISTING_ACCOUNT_SUBJECT,
        template,
        user=user,
        login_url=external_url("accounts.login"),
        reset_url=external_url("accounts.forgot_password"),
    )


def send_confirmation(user: User) -> None:
    token = tokens.make_token(tokens.CONFIRM, user)
    queue_mail(
        user.email,
        "Bitte bestätigen Sie Ihre E-Mail-Adresse",
        "confirm_email",
        user=user,
        confirm_url=external_url("accounts.confirm_email", token=token),
    )


def confirm_email(token: str) -> User | None:
    user = tokens.read_token(tokens.CONFIRM, token, get_user)
    if user is None:
        return None
    user.confirmed_at = utcnow()
    db.session.flush()
    current_app.logger.info("Konto %s bestätigt", user.id)
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.flush()
    return user


def request_password_reset(email: str) -> None:
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        current_app.logger.info("Passwort-Reset für unbekannte Adresse angefragt")
        return
    token = tokens.make_token(tokens.RESET, user)
    queue_mail(
        user.email,
        "Passwort zurücksetzen",
        "reset_password",
        user=user,
        reset_url=external_url("accounts.reset_password", token=token),
        valid_hours=current_app.config["TOKEN_MAX_AGE_RESET"] // 3600,
    )


def user_for_reset_token(token: str) -> User | None:
    return tokens.read_token(tokens.RESET, token, get_user)


def set_password(user: User, password: str) -> None:
    """A new password by the mailed link: every session ends and old reset links die."""
    user.password_hash = hash_password(password)
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()  # the reset link proved the address
    end_all_sessions(user)
    current_app.logger.info("Passwort von Konto %s zurückgesetzt", user.id)


def change_password(user: User, new_password: str, keep: SignInSession | None) -> None:
    """A new password from the account page (identity checked by the caller): every
    session but `keep`, the device it was changed on, ends; old reset links die."""
    user.password_hash = hash_password(new_password)
    ended = end_other_sessions(user, keep)
    current_app.logger.info("Passwort von Konto %s geändert, %s Geräte abgemeldet", user.id, ended)


def update_profile(user: User, profile: ProfileData) -> None:
    _apply_profile(user, profile)
    db.session.flush()


def create_staff_user(email: str, password: str, role: Role, municipality_slug: str | None) -> User:
    """For the CLI: a confirmed account with a role, created or extended."""
    municipality = None
    if municipality_slug:
        municipality = get_municipality(municipality_slug)
        if municipality is None:
            raise AccountError(f"Unbekannte Kommune: {municipality_slug}")
    user = find_user_by_email(email)
    if user is None:
        display_name = email.split("@", 1)[0][:80]
        user = User(email=email.strip(), display_name=display_name, confirmed_at=utcnow())
        db.session.add(user)
    user.password_hash = hash_password(password)
    user.confirmed_at = user.confirmed_at or utcnow()
    municipality_id = municipality.id if municipality else None
    if not any(r.role == role and r.municipality_id == municipality_id for r in user.roles):
        user.roles.append(RoleAssignment(role=role, municipality_id=municipality_id))
    db.session.flush()
    return user
