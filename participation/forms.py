"""Shared form pieces: German messages and input cleanup."""

import time
from datetime import date

from flask import current_app, flash
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import DateField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, ValidationError


def attach_error(form, error, fallback: str | None = None) -> None:
    """Show a broken rule (`rules.RuleError`) next to its form field; when it names no
    field of this form, next to the `fallback` field, or else at the page's top."""
    field = getattr(form, getattr(error, "field", None) or "", None)
    field = field if field is not None else getattr(form, fallback or "", None)
    if field is None:
        flash(str(error), "error")
    else:
        field.errors = [*field.errors, str(error)]


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


class GermanDateField(DateField):
    """A date picker on phones; typed "01.03.2027" works too, with a German message.

    Only years a plan or a block can mean: "0001" or "2207" is a typo, and a date at
    the calendar's end cannot even be shown in local time (a 500)."""

    FIRST, LAST = date(1900, 1, 1), date(2199, 12, 31)

    def __init__(self, label: str, **kwargs):
        super().__init__(label, format=["%Y-%m-%d", "%d.%m.%Y"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Bitte geben Sie ein Datum an, zum Beispiel 01.03.2027.") from None
        if self.data is not None and not self.FIRST <= self.data <= self.LAST:
            self.data = None
            raise ValueError("Bitte geben Sie ein Datum zwischen 1900 und 2199 an.")


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
                "Das ging sehr schnell. Ihre Eingaben sind noch da: "
                "Bitte prüfen Sie sie kurz und senden Sie sie noch einmal ab."
            )


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="form-started")
