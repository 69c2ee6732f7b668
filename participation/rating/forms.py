from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import Optional, StopValidation

from ..forms import NoControlCharacters, length, required, strip_filter

SCALE_CHOICES = [
    (1, "1 – sehr gering"),
    (2, "2 – gering"),
    (3, "3 – mittel"),
    (4, "4 – hoch"),
    (5, "5 – sehr hoch"),
]


class ScaleField(RadioField):
    """1 to 5; a value off the scale gets the field's own German message, not WTForms'."""

    def __init__(self, label: str, message: str, **kwargs):
        super().__init__(
            label, coerce=int, choices=SCALE_CHOICES, validators=[required(message)], **kwargs
        )
        self.scale_message = message

    def pre_validate(self, form):
        if self.data not in {value for value, _ in SCALE_CHOICES}:
            raise StopValidation(self.scale_message)


class RatingForm(FlaskForm):
    relevance = ScaleField(
        "Relevanz",
        "Bitte bewerten Sie die Relevanz von 1 bis 5.",
        description="Wie wichtig ist die Idee für die Ziele von #Zukunft ST?",
    )
    feasibility = ScaleField(
        "Realisierbarkeit",
        "Bitte bewerten Sie die Realisierbarkeit von 1 bis 5.",
        description="Wie gut lässt sich die Idee mit vertretbarem Aufwand umsetzen?",
    )
    note = TextAreaField(
        "Interne Notiz (freiwillig)",
        filters=[strip_filter],
        validators=[Optional(), length(max_len=2000, label="Die Notiz"), NoControlCharacters()],
        description="Nur für Lenkungsausschuss und Projektteam sichtbar.",
        render_kw={"rows": 3},
    )


class SelectionForm(FlaskForm):
    """Only CSRF: the chosen ideas arrive as repeated `idea` values. The overview shows
    it; the project team's `take` (in projects) receives it."""
