from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField
from wtforms.validators import AnyOf

from ..forms import required

FORMATS = [("json", "JSON zum Herunterladen"), ("html", "Lesbare Übersicht (HTML)")]


class ExportForm(FlaskForm):
    """The password again: a session left open on a shared computer is not enough."""

    password = PasswordField(
        "Passwort",
        validators=[required("Bitte geben Sie Ihr Passwort ein.")],
        render_kw={"autocomplete": "current-password"},
    )
    format = RadioField(
        "Format",
        choices=FORMATS,
        default="json",
        description=(
            "Die JSON-Datei können Sie in andere Programme übernehmen; "
            "die Übersicht ist zum Lesen und Ausdrucken."
        ),
        validate_choice=False,  # AnyOf says it in German
        validators=[AnyOf([value for value, _ in FORMATS], "Bitte wählen Sie ein Format.")],
    )
