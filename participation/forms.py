"""Shared form pieces: German messages and input cleanup."""

import time

from flask import current_app
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, ValidationError


def strip_filter(value):
    """Trim, and store line breaks as "\n" whatever the browser sent."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def required(message: str) -> DataRequired:
    return DataRequired(message=message)


def length(min_len: int = -1, max_len: int = -1, label: str = "Die Eingabe") -> Length:
    if min_len > 0 and max_len > 0:
        message = f"{label} muss zwischen {min_len} und {max_len} Zeichen lang sein."
    elif min_len > 0:
        message = f"{label} muss mindestens {min_len} Zeichen lang sein."
    else:
        message = f"{label} darf höchstens {max_len} Zeichen lang sein."
    return Length(min=min_len, max=max_len, message=message)


class NoControlCharacters:
    """Rejects invisible control characters that only confuse readers and moderators."""

    def __call__(self, form, field):
        if any(ord(char) < 32 and char not in "\n\r\t" for char in field.data or ""):
            raise ValidationError("Die Eingabe enthält unzulässige Steuerzeichen.")


class HumanCheckForm(FlaskForm):
    """Bot protection without a CAPTCHA: a field people never see, and a minimum fill time.

    A CAPTCHA would lock out people using screen readers; rate limits are the
    second line of defence.
    """

    website = StringField(
        "Dieses Feld bitte leer lassen", render_kw={"autocomplete": "off", "tabindex": "-1"}
    )
    form_started = HiddenField("Formular")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.form_started.data = _signer().dumps(time.time())

    def validate_website(self, field):
        if field.data:
            raise ValidationError("Ihre Eingabe konnte nicht gespeichert werden.")

    def validate_form_started(self, field):
        minimum = current_app.config.get("MIN_FORM_SECONDS", 0)
        if minimum <= 0:
            return
        try:
            started = float(_signer().loads(field.data or "", max_age=24 * 3600))
        except (BadSignature, TypeError, ValueError):
            started = None
        if started is None or time.time() - started < minimum:
            field.data = _signer().dumps(time.time())
            raise ValidationError(
                "Das ging sehr schnell. Bitte prüfen Sie Ihre Eingaben "
                "und senden Sie das Formular noch einmal."
            )


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="form-started")
