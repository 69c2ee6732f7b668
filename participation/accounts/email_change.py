"""A new e-mail address, in two steps: asked for on the account page (after the identity
check), applied only from the link mailed to the new address.

The old address hears of it at once, so a stranger with an open session cannot move the
account away unnoticed; changing the password kills a pending link (the token's
fingerprint). Whether the new address already has an account is never shown: the page
and the notice read the same either way; that address's owner gets the hint that they
have an account instead of a link, and the address is never taken over.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from ..links import external_url
from ..outbox.services import mailed_recently, queue_mail
from ..timeutil import utcnow
from . import tokens
from .models import SignInSession, User
from .services import AccountError, find_user_by_email, get_user, mail_existing_account_hint
from .sessions import end_other_sessions

CONFIRM_SUBJECT = "Bitte bestätigen Sie Ihre neue E-Mail-Adresse"
NOTICE_SUBJECT = "Ihre E-Mail-Adresse soll geändert werden"
# Anyone with an account can name any address: one link per address and quarter hour
# keeps a stranger's inbox from filling up. The first link stays valid meanwhile.
CONFIRM_MAIL_INTERVAL = timedelta(minutes=15)


@dataclass
class PendingEmailChange:
    user: User
    new_email: str


def request_email_change(user: User, new_email: str) -> None:
    """Mail the link to the new address and the notice to the old one; change nothing."""
    new_email = new_email.strip()
    owner = find_user_by_email(new_email)
    if owner is not None and owner.id == user.id:
        raise AccountError("Das ist bereits Ihre E-Mail-Adresse.", field="email")
    if owner is not None:
        mail_existing_account_hint(owner, template="email_taken")
    elif not mailed_recently(new_email, CONFIRM_SUBJECT, CONFIRM_MAIL_INTERVAL):
        _mail_confirmation_link(user, new_email)
    queue_mail(
        user.email,
        NOTICE_SUBJECT,
        "email_change_notice",
        user=user,
        new_email=new_email,
        password_url=external_url("accounts.change_password"),
        reset_url=external_url("accounts.forgot_password"),
    )
    current_app.logger.info("Konto %s möchte eine neue E-Mail-Adresse", user.id)


def _mail_confirmation_link(user: User, new_email: str) -> None:
    token = tokens.make_token(tokens.EMAIL_CHANGE, user, e=new_email)
    queue_mail(
        new_email,
        CONFIRM_SUBJECT,
        "email_change_confirm",
        user=user,
        confirm_url=external_url("accounts.confirm_email_change", token=token),
        valid_days=current_app.config["TOKEN_MAX_AGE_CONFIRM"] // (24 * 3600),
    )


def pending_email_change(token: str) -> PendingEmailChange | None:
    """The change a link asks for, if the link is genuine, fresh and unused."""
    found = tokens.read_token_with_details(tokens.EMAIL_CHANGE, token, get_user)
    if found is None or not isinstance(found[1].get("e"), str):
        return None
    return PendingEmailChange(user=found[0], new_email=found[1]["e"])


def change_email(change: PendingEmailChange, keep: SignInSession | None) -> bool:
    """The new address applies and every session but `keep` ends. False when the
    address has meanwhile been taken by an account (nothing changes then)."""
    user = change.user
    if find_user_by_email(change.new_email) is not None:
        return False
    user.email = change.new_email
    user.confirmed_at = user.confirmed_at or utcnow()  # the link proved the address
    ended = end_other_sessions(user, keep)
    current_app.logger.info(
        "E-Mail-Adresse von Konto %s geändert, %s Geräte abgemeldet", user.id, ended
    )
    return True
