import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from ..forms import HumanCheckForm, NoControlCharacters, length, required, strip_filter
from ..photos.uploads import add_photo_fields
from .places import PLACE_MAX, clean_place, place_problem

TITLE_MAX = 160
BODY_MAX = 6000
COMMENT_MAX = 2000


_DEGREES = re.compile(r"[+-]?[0-9]{1,3}(?:[.,][0-9]{1,15})?")  # ASCII: "²".isdigit()


class DegreesField(StringField):
    """A coordinate in decimal degrees, "52.2801" or "52,2801"; empty is None.

    Only plain decimals: "NaN", "1e999" or "²" never become a float. What was typed
    stays in the field when it is refused."""

    def __init__(self, label: str, example: str, **kwargs):
        super().__init__(label, render_kw={"inputmode": "decimal", "autocomplete": "off"}, **kwargs)
        self.message = f"Bitte geben Sie den {label} als Zahl an, z. B. {example}."

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        if not _DEGREES.fullmatch(raw):
            raise ValueError(self.message)
        self.data = float(raw.replace(",", "."))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.6f}".rstrip("0").rstrip(".")


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
            "Schreiben Sie einfach los; eine leere Zeile beginnt einen neuen Absatz."
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
    place = StringField(
        "Ort (z. B. Kreuzung, Straße, Gebäude)",
        filters=[clean_place],
        validators=[length(max_len=PLACE_MAX, label="Der Ort"), NoControlCharacters()],
        description="Wo genau in der Kommune? So finden andere die Stelle.",
        render_kw={"maxlength": PLACE_MAX, "autocomplete": "off"},
    )
    latitude = DegreesField("Breitengrad", example="52,2801")
    longitude = DegreesField("Längengrad", example="7,4402")

    def validate(self, extra_validators=None) -> bool:
        """The point as a whole: both coordinates or neither, inside the district."""
        valid = super().validate(extra_validators)
        if self.place.errors or self.latitude.errors or self.longitude.errors:
            return False
        problem = place_problem(self.place.data, self.latitude.data, self.longitude.data)
        if problem is not None:
            target = getattr(self, problem.field)
            target.errors = [*target.errors, problem.message]
            return False
        return valid


add_photo_fields(IdeaForm)  # photo_1 … photo_3, each with its description


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
