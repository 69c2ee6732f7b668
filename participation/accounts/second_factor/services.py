"""Switching the second factor on and off, and checking its codes.

Each function changes the person's row (and recovery codes) and only flushes; the
request commits. Admins reset someone's second factor through `admin.services`.
"""

from flask import current_app
from sqlalchemy import or_, update
from sqlalchemy.orm.attributes import set_committed_value

from ...extensions import db
from ...roles import holds_staff_role
from ...rules import RuleError
from ...templating import site_identity
from ...timeutil import utcnow
from .. import throttle
from ..models import SignInSession, User
from ..sessions import end_other_sessions
from . import recovery, totp


class SecondFactorError(RuleError):
    """A rule about the second factor was broken."""


def setup_secret(user: User, fresh: bool = False) -> str:
    """The secret the setup page shows and its QR code draws, kept until a code confirms
    it. `fresh` (each time the page is opened anew) makes a new one: a secret somebody
    copied from an unattended open session is worthless by the time the owner sets up."""
    if user.has_second_factor:
        raise SecondFactorError("Die Zwei-Faktor-Anmeldung ist schon eingeschaltet.")
    if user.totp_secret is None or fresh:
        user.totp_secret = totp.new_secret()
        db.session.flush()
    return user.totp_secret


def setup_uri(user: User) -> str:
    return totp.setup_uri(setup_secret(user), user.email, site_identity()["name"])


def switch_on(user: User, code: str, keep: SignInSession | None) -> list[str]:
    """Confirm the pending secret with a first code from the app. The ten recovery codes
    come back in clear, to be shown once.

    Every session but `keep` (the one that gave the code) ends: a session that only gave
    the password must not gain the roles that waited for the second factor."""
    secret = setup_secret(user)
    step = totp.matching_step(secret, code)
    if step is None:
        raise SecondFactorError(
            "Der Code passt nicht. Bitte geben Sie die sechs Ziffern ein, die Ihre App "
            "gerade zeigt (sie wechseln alle 30 Sekunden).",
            field="app_code",
        )
    user.second_factor_at = utcnow()
    user.totp_last_step = step
    end_other_sessions(user, keep)
    codes = recovery.replace_codes(user)
    current_app.logger.info("Zwei-Faktor-Anmeldung für Konto %s eingeschaltet", user.id)
    return codes


def renew_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes; the old ones, used or not, stop working."""
    _require_active(user)
    codes = recovery.replace_codes(user)
    current_app.logger.info("Neue Wiederherstellungscodes für Konto %s", user.id)
    return codes


def switch_off(user: User) -> None:
    """Residents may do without the second factor; staff keep it while they hold a role."""
    _require_active(user)
    if holds_staff_role(user):
        raise SecondFactorError(
            "Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben. Ausschalten geht "
            "erst, wenn Sie keine Rolle mehr haben."
        )
    remove_second_factor(user)
    current_app.logger.info("Zwei-Faktor-Anmeldung für Konto %s ausgeschaltet", user.id)


def remove_second_factor(user: User) -> None:
    """Secret, its state and recovery codes are gone; a role needs a new setup."""
    user.totp_secret = None
    user.second_factor_at = None
    user.totp_last_step = None
    recovery.remove_codes(user)
    db.session.flush()


def _require_active(user: User) -> None:
    if not user.has_second_factor:
        raise SecondFactorError("Die Zwei-Faktor-Anmeldung ist nicht eingeschaltet.")


def unused_recovery_codes(user: User) -> int:
    return recovery.unused_count(user)


def use_code(user: User, text: str) -> bool:
    """Whether `text` is a code the person may use now: the app's current code (not used
    before) or an unused recovery code. Either is used up by this."""
    if not user.has_second_factor:
        return False
    if totp.looks_like_code(totp.normalised(text)):
        return _use_app_code(user, text)
    return recovery.use_code(user, text)


def _use_app_code(user: User, text: str) -> bool:
    step = totp.matching_step(user.totp_secret, text, after=user.totp_last_step)
    if step is None:
        return False
    # One UPDATE decides: of two requests with the same code, only one gets through.
    taken = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)  # what the database holds now
    return True


def check_code(user: User, text: str) -> int | None:
    """None when the code is right. Otherwise it counts like a failed sign-in and the
    seconds to wait come back (0: none yet); during a wait no code is checked at all."""
    wait = throttle.code_wait(user.email)
    if wait:
        return wait
    if use_code(user, text):
        throttle.forget_code_failures(user.email)
        return None
    current_app.logger.warning("Falscher Code bei der Zwei-Faktor-Anmeldung (Konto %s)", user.id)
    return throttle.record_code_failure(user.email)
