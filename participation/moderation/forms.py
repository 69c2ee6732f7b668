from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from ..forms import GermanDateField, NoControlCharacters, length, required, strip_filter
from ..ideas.forms import BODY_MAX, COMMENT_MAX, TITLE_MAX
from ..timeutil import utcnow
from .models import REPORT_REASON_LABELS


class ReasonForm(FlaskForm):
    """A decision that needs a reason: a template, free text, or both."""

    template = SelectField("Vorlage", coerce=int, validators=[Optional()])
    # No Optional() here: it would stop the chain before `validate_reason`, the one
    # check that matters when the field is empty.
    reason = TextAreaField(
        "Begründung",
        filters=[strip_filter],
        validators=[length(max_len=2000, label="Die Begründung"), NoControlCharacters()],
        description="Die Autorin oder der Autor erhält diese Begründung als Benachrichtigung.",
        render_kw={"rows": 4},
    )

    def validate_reason(self, field):
        if not field.data and not self.template.data:
            raise ValidationError(
                "Bitte wählen Sie eine Vorlage oder schreiben Sie eine Begründung."
            )


class BlockForm(ReasonForm):
    until = GermanDateField(
        "Gesperrt bis (freiwillig)",
        validators=[Optional()],
        description="Leer lassen für eine Sperre ohne Enddatum.",
    )

    def validate_until(self, field):
        if field.data and field.data <= utcnow().date():
            raise ValidationError("Das Enddatum muss in der Zukunft liegen.")


def _corrected_text(max_len: int, rows: int) -> TextAreaField:
    return TextAreaField(
        "Text",
        filters=[strip_filter],
        validators=[
            required("Der Text darf nicht leer sein."),
            length(2, max_len, label="Der Text"),
        ],
        render_kw={"rows": rows},
    )


class CorrectionForm(FlaskForm):
    title = StringField(
        "Titel",
        filters=[strip_filter],
        validators=[
            required("Bitte geben Sie einen Titel an."),
            length(3, TITLE_MAX, label="Der Titel"),
        ],
    )
    body = _corrected_text(BODY_MAX, rows=10)
    note = StringField(
        "Was wurde geändert?",
        filters=[strip_filter],
        validators=[
            required("Bitte sagen Sie der Autorin oder dem Autor, was Sie geändert haben."),
            length(max_len=300, label="Die Notiz"),
        ],
        description=(
            "Zum Beispiel „Telefonnummer entfernt“. "
            "Die Autorin oder der Autor erfährt es als Benachrichtigung."
        ),
    )


class CommentCorrectionForm(CorrectionForm):
    title = None
    body = _corrected_text(COMMENT_MAX, rows=6)


class ReportForm(FlaskForm):
    reason = RadioField(
        "Grund der Meldung",
        choices=[(key.value, label) for key, label in REPORT_REASON_LABELS.items()],
        validators=[required("Bitte wählen Sie einen Grund.")],
    )
    note = TextAreaField(
        "Erläuterung",
        filters=[strip_filter],
        validators=[
            Optional(),
            length(max_len=1000, label="Die Erläuterung"),
            NoControlCharacters(),
        ],
        description="Was genau ist das Problem? Das hilft der Moderation.",
        render_kw={"rows": 3},
    )
