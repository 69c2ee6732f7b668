from wtforms import BooleanField, RadioField
from wtforms.validators import AnyOf

from ..accounts.identity import IdentityCheckForm

FORMATS = [("json", "JSON zum Herunterladen"), ("html", "Lesbare Übersicht (HTML)")]


class ExportForm(IdentityCheckForm):
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


class DeleteAccountForm(IdentityCheckForm):
    remove_contributions = BooleanField(
        "Meine Ideen und Kommentare ebenfalls entfernen",
        description=(
            "Ohne dieses Häkchen bleiben Ihre veröffentlichten Ideen und Kommentare "
            "lesbar, unter dem Namen „Gelöschtes Konto“."
        ),
    )
