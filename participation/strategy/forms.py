from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import Email, Optional

from ..forms import HumanCheckForm, NoControlCharacters, length, required, strip_filter

PLACE_MAX = 300
DESCRIPTION_MAX = 2000


class BarrierReportForm(HumanCheckForm):
    """ "Barriere melden": open to everyone, no account needed."""

    place = StringField(
        "Wo ist die Barriere?",
        filters=[strip_filter],
        validators=[length(max_len=PLACE_MAX, label="Die Angabe"), NoControlCharacters()],
        description="Die Adresse der Seite oder eine kurze Beschreibung, z. B. „Ideenliste“.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    description = TextAreaField(
        "Beschreibung",
        filters=[strip_filter],
        validators=[
            required("Bitte beschreiben Sie die Barriere."),
            length(max_len=DESCRIPTION_MAX, label="Die Beschreibung"),
            NoControlCharacters(),
        ],
        description=(
            "Was hat nicht funktioniert, und womit waren Sie unterwegs (zum Beispiel "
            f"Screenreader, nur Tastatur, Vergrößerung)? Höchstens {DESCRIPTION_MAX} Zeichen."
        ),
        render_kw={"rows": 8},
    )
    email = EmailField(
        "E-Mail (freiwillig, für eine Antwort)",
        filters=[strip_filter],
        validators=[
            Optional(),
            Email(
                message="Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.",
                check_deliverability=False,
            ),
            length(max_len=254, label="Die E-Mail-Adresse"),
        ],
        description="Dann bestätigen wir den Eingang und können Ihnen antworten.",
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )
