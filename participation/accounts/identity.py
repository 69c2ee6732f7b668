"""Weighty steps (an export, a deletion, a role change, a new password or e-mail address)
ask the signed-in person to prove again who they are: a session left open on a shared
computer is not enough.

Forms for such steps subclass `IdentityCheckForm`; views call `confirm_identity` and
templates render the fields with the `identity_fields` macro, so every step asks for the
same things (the password, and the second factor where the person has one).
"""

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from ..forms import required
from . import throttle
from .second_factor import services as second_factor


class IdentityCheckForm(FlaskForm):
    """The password, and for a person with a second factor a code: the form drops the
    code field for everyone else (`person`: whose identity is checked, by default the
    signed-in person)."""

    password = PasswordField(
        "Ihr Passwort",
        validators=[required("Bitte geben Sie Ihr Passwort ein.")],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        "Code aus der Authenticator-App",
        validators=[required("Bitte geben Sie den Code aus Ihrer Authenticator-App ein.")],
        description=(
            "Die sechs Ziffern, die Ihre App gerade zeigt. Ohne Ihr Telefon: einer Ihrer "
            "Wiederherstellungscodes."
        ),
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false"},
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        person = current_user if person is None else person
        if not getattr(person, "has_second_factor", False):
            del self.code


def confirm_identity(user, form: IdentityCheckForm, refusal: str) -> int | None:
    """None when the person proved it is them. Otherwise the refusal (plus a hint to
    wait) is attached to the field that was wrong and the seconds to wait come back (0:
    no wait yet). Wrong answers count like failed sign-ins, so an open session is no way
    to guess. The code is only checked (and used up) after the right password."""
    wait = throttle.recheck_password(user, form.password.data)
    if wait is not None:
        form.password.errors = [*form.password.errors, refusal + throttle.wait_hint(wait)]
        return wait
    if not user.has_second_factor:
        return None
    # A form made without the code field (for someone else) has no code: that fails too.
    code_field = getattr(form, "code", None)
    wait = second_factor.check_code(user, code_field.data if code_field is not None else "")
    if wait is not None:
        field = code_field if code_field is not None else form.password
        field.errors = [*field.errors, code_refusal(wait)]
    return wait


def code_refusal(wait: int) -> str:
    """The message next to a refused code; while a wait runs, no code is checked at all."""
    if wait:
        return (
            "Der Code wurde nicht angenommen. Zu viele falsche Codes: Bitte warten Sie "
            f"{throttle.minutes(wait)}."
        )
    return "Der Code ist nicht richtig oder wurde schon benutzt."
