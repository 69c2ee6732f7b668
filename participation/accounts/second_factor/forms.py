from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Regexp

from ...forms import required
from ..identity import IdentityCheckForm
from . import totp

CODE_HINT = "Sechs Ziffern; die App zeigt alle 30 Sekunden neue."


class SetupForm(IdentityCheckForm):
    """The first code from the app proves it holds the secret; the password, that the
    person at the screen owns the account."""

    app_code = StringField(
        "Code aus der App",
        filters=[totp.normalised],  # "123 456" as some apps show it
        validators=[
            required("Bitte geben Sie den Code ein, den Ihre App zeigt."),
            Regexp(r"^\d{6}$", message="Der Code besteht aus sechs Ziffern."),
        ],
        description=CODE_HINT,
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "maxlength": 7,
            "spellcheck": "false",
        },
    )


class ConfirmStepForm(IdentityCheckForm):
    """New recovery codes, switching off: the password (and a code) confirm it."""


class SignInCodeForm(FlaskForm):
    """The step after the password: the app's code, or a recovery code. One field takes
    either; `recovery` only changes what it asks for (letters too: no digit keypad)."""

    code = StringField(
        "Code aus der Authenticator-App",
        validators=[required("Bitte geben Sie den Code ein.")],
        description=CODE_HINT,
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            self.code.label.text = "Wiederherstellungscode"
            self.code.description = "Zehn Zeichen von Ihrer Liste, z. B. ABCDE-FGHJK."
            self.code.render_kw = {"autocomplete": "off", "spellcheck": "false"}
