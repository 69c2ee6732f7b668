from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from ..forms import HumanCheckForm, NoControlCharacters, length, required, strip_filter

TITLE_MAX = 160
BODY_MAX = 6000
COMMENT_MAX = 2000


class IdeaForm(HumanCheckForm):
    title = StringField(
        "Titel",
        filters=[strip_filter],
        validators=[
            required("Bitte geben Sie Ihrer Idee einen Titel."),
            length(8, TITLE_MAX, label="Der Titel"),
            NoControlCharacters(),
        ],
        description="Kurz und treffend, z. B. „Sichere Radwege zwischen Saerbeck und Greven“.",
        render_kw={"autocomplete": "off", "maxlength": TITLE_MAX},
    )
    body = TextAreaField(
        "Beschreibung",
        filters=[strip_filter],
        validators=[
            required("Bitte beschreiben Sie Ihre Idee."),
            length(30, BODY_MAX, label="Die Beschreibung"),
            NoControlCharacters(),
        ],
        description=(
            "Was soll sich ändern, wem hilft es, wie könnte es gehen? "
            "Leerzeilen trennen Absätze; Listen mit „- “, *kursiv*, **fett** "
            "und Links sind möglich."
        ),
        render_kw={"rows": 10},
    )
    field = SelectField(
        "Handlungsfeld",
        coerce=int,
        validators=[required("Bitte wählen Sie ein Handlungsfeld.")],
    )
    municipality = SelectField(
        "Kommune",
        coerce=int,
        validators=[required("Bitte wählen Sie, welche Kommune Ihre Idee betrifft.")],
        description="Betrifft Ihre Idee den ganzen Kreis, wählen Sie „Kreisweit“.",
    )
    confirmed = HiddenField(default="")


class CommentForm(HumanCheckForm):
    body = TextAreaField(
        "Ihr Kommentar",
        filters=[strip_filter],
        validators=[
            required("Bitte schreiben Sie einen Kommentar."),
            length(2, COMMENT_MAX, label="Der Kommentar"),
            NoControlCharacters(),
        ],
        render_kw={"rows": 4},
    )
    parent_id = HiddenField()


class CommentEditForm(FlaskForm):
    body = CommentForm.body
