"""Weighty steps (an export, a deletion, a role change, a new password or e-mail address)
ask the signed-in person to prove again who they are: a session left open on a shared
computer is not enough.

Forms for such steps subclass `IdentityCheckForm`; views call `confirm_identity` and
templates render the fields with the `identity_fields` macro, so every step asks for the
same things (the password, and the second factor where the person has one).
"""

from flask_wtf import FlaskForm
from wtforms import PasswordField

from ..forms import required
from . import throttle


class IdentityCheckForm(FlaskForm):
    password = PasswordField(
        "Ihr Passwort",
        validators=[required("Bitte geben Sie Ihr Passwort ein.")],
        render_kw={"autocomplete": "current-password"},
    )


def confirm_identity(user, form: IdentityCheckForm, refusal: str) -> int | None:
    """None when the person proved it is them. Otherwise the refusal (plus a hint to
    wait) is attached to the form and the seconds to wait come back (0: no wait yet).
    Wrong answers count like failed sign-ins, so an open session is no way to guess."""
    wait = throttle.recheck_password(user, form.password.data)
    if wait is None:
        return None
    form.password.errors = [*form.password.errors, refusal + throttle.wait_hint(wait)]
    return wait
