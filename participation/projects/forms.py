from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ..forms import GermanDateField, NoControlCharacters, length, required, strip_filter
from ..templating import format_number
from .models import FUNDING_STATUS_LABELS, KIND_LABELS, STATUS_LABELS, ProjectKind

CENT = Decimal("0.01")
TOO_LARGE_AMOUNT = "Der Betrag ist zu groß: höchstens 999.999.999.999,99 €."


class GermanDecimalField(DecimalField):
    """Accepts what people type in Germany: "1,5", "1.250.000,00 €", "250000".

    A text input (with the decimal keypad on phones): a number input refuses
    "1.250.000,00" and drops such a value when the form is shown again.
    `digits` is the column's precision (Numeric(digits, 2)): a larger value gets
    `too_large` as its message instead of overflowing the database."""

    widget = TextInput()

    def __init__(self, label: str, message: str, digits: int, too_large: str, **kwargs):
        super().__init__(label, places=2, **kwargs)
        self.message = message
        self.limit = Decimal(10) ** (digits - 2)
        self.too_large = too_large

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").replace("€", "").replace(" ", "").strip()
        self.raw_data = valuelist
        if not raw:
            self.data = None
            return
        if "," in raw:
            raw = raw.replace(".", "").replace(",", ".")
        try:
            self.data = Decimal(raw)
        except InvalidOperation:
            self.data = None
            raise ValueError(self.message) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(self.message)
        self._round_within_column()

    def _round_within_column(self) -> None:
        """Cents as the database rounds them (half up), and no more digits than it holds."""
        if abs(self.data) < self.limit:
            self.data = self.data.quantize(CENT, rounding=ROUND_HALF_UP)
        if abs(self.data) >= self.limit:
            self.data = None
            raise ValueError(self.too_large)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_number(self.data, 2)


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes; anything not offered gets the field's own German message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label: str, message: str, **kwargs):
        super().__init__(label, coerce=int, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = []
            raise ValueError(self.message) from None

    def pre_validate(self, form):
        offered = {value for value, _ in self.choices}
        if any(value not in offered for value in self.data or ()):
            raise StopValidation(self.message)


class ListSelectField(SelectField):
    def __init__(self, label: str, message: str, **kwargs):
        super().__init__(label, **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in {value for value, _ in self.choices}:
            raise StopValidation(self.message)


def _text(label: str, max_len: int, **kwargs) -> StringField:
    return StringField(
        label,
        filters=[strip_filter],
        validators=[Optional(), length(max_len=max_len, label=label), NoControlCharacters()],
        **kwargs,
    )


def _required_line(label: str, message: str, max_len: int, name: str = "Der Titel", **kwargs):
    return StringField(
        label,
        filters=[strip_filter],
        validators=[required(message), length(max_len=max_len, label=name), NoControlCharacters()],
        **kwargs,
    )


def _long_text(label: str, rows: int = 4, **kwargs) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[strip_filter],
        validators=[Optional(), length(max_len=20_000, label=label)],
        render_kw={"rows": rows},
        **kwargs,
    )


class ProjectForm(FlaskForm):
    title = _required_line("Titel", "Bitte geben Sie dem Projekt einen Titel.", 160)
    summary = _long_text(
        "Kurzbeschreibung", rows=3, description="Zwei, drei Sätze für die Roadmap."
    )
    kind = RadioField(
        "Art des Projekts",
        choices=list(KIND_LABELS.items()),
        default=ProjectKind.POTENTIAL,
        validators=[required("Bitte wählen Sie Leitprojekt oder Potenzialprojekt.")],
    )
    status = ListSelectField(
        "Status",
        "Bitte wählen Sie einen Status aus der Liste.",
        choices=list(STATUS_LABELS.items()),
    )
    progress = IntegerField(
        "Fortschritt in Prozent",
        default=0,
        validators=[
            InputRequired("Bitte geben Sie den Fortschritt von 0 bis 100 an."),
            NumberRange(0, 100, "Der Fortschritt liegt zwischen 0 und 100 Prozent."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    what = _long_text("Was: Beschreibung", rows=6)
    starts_on = GermanDateField(
        "Wann: Beginn", validators=[Optional()], description="Zum Beispiel 01.03.2027."
    )
    ends_on = GermanDateField("Wann: Ende", validators=[Optional()])
    place = _text("Wo: Ort", 200)
    lead = _text("Wer: Verantwortlich", 200, description="Federführende Stelle oder Rolle.")
    partners = _long_text("Mit wem: Partner", rows=2)
    field_ids = MultiCheckboxField(
        "Handlungsfelder", "Bitte wählen Sie Handlungsfelder aus der Liste."
    )
    municipality_ids = MultiCheckboxField(
        "Kommunen",
        "Bitte wählen Sie Kommunen aus der Liste.",
        description="Eine, mehrere oder „Kreisweit“.",
    )
    staff_fte = GermanDecimalField(
        "Personalbedarf in Vollzeitstellen",
        "Bitte geben Sie eine Zahl an, zum Beispiel 1,5.",
        digits=6,  # Project.staff_fte: Numeric(6, 2)
        too_large="Die Zahl ist zu groß: höchstens 9.999,99 Vollzeitstellen.",
        validators=[Optional()],
        render_kw={"inputmode": "decimal"},
    )
    budget = GermanDecimalField(
        "Budget in Euro",
        "Bitte geben Sie einen Betrag an, zum Beispiel 250.000,00.",
        digits=14,  # Project.budget: Numeric(14, 2)
        too_large=TOO_LARGE_AMOUNT,
        validators=[Optional()],
        render_kw={"inputmode": "decimal"},
    )
    internal_notes = _long_text(
        "Interne Notizen", rows=3, description="Nur für Projektteam und Lenkungsausschuss."
    )


class FundingForm(FlaskForm):
    programme = _required_line(
        "Programm oder Mittel",
        "Bitte nennen Sie das Programm oder die Mittel.",
        200,
        name="Der Name",
        description="Zum Beispiel „Smart Cities – Made in Germany“ oder Haushaltsmittel.",
    )
    amount = GermanDecimalField(
        "Betrag in Euro",
        "Bitte geben Sie einen Betrag an, zum Beispiel 80.000,00.",
        digits=14,  # FundingSource.amount: Numeric(14, 2)
        too_large=TOO_LARGE_AMOUNT,
        validators=[Optional()],
        render_kw={"inputmode": "decimal"},
    )
    status = ListSelectField(
        "Stand",
        "Bitte wählen Sie einen Stand aus der Liste.",
        choices=list(FUNDING_STATUS_LABELS.items()),
    )


class MilestoneForm(FlaskForm):
    title = _required_line("Meilenstein", "Bitte geben Sie dem Meilenstein einen Titel.", 200)
    due_on = GermanDateField("Fällig am", validators=[Optional()])


class UpdateForm(FlaskForm):
    title = _required_line("Titel", "Bitte geben Sie einen Titel an.", 200)
    body = TextAreaField(
        "Text",
        filters=[strip_filter],
        validators=[
            required("Bitte schreiben Sie, was es Neues gibt."),
            length(max_len=20_000, label="Der Text"),
        ],
        render_kw={"rows": 6},
        description="Öffentlich sichtbar. Sie können Markdown verwenden.",
    )
    published_on = GermanDateField(
        "Datum", validators=[Optional()], description="Leer heißt heute."
    )


class DeclineForm(FlaskForm):
    answer = TextAreaField(
        "Öffentliche Begründung",
        filters=[strip_filter],
        validators=[
            required("Bitte begründen Sie öffentlich, warum die Idee nicht weiterverfolgt wird."),
            length(max_len=4000, label="Die Begründung"),
        ],
        render_kw={"rows": 5},
        description="Die Autorin oder der Autor und alle Unterstützenden werden benachrichtigt.",
    )
