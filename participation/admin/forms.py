from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf

from ..accounts.identity import IdentityCheckForm
from ..forms import NoControlCharacters, length, required, strip_filter
from ..moderation.models import REASON_KIND_LABELS
from ..projects.forms import MultiCheckboxField
from ..strategy.texts import BODY_MAX, TITLE_MAX
from .services import ROLE_LABELS


class _AdminIdentityCheck(IdentityCheckForm):
    password = PasswordField(
        "Ihr Passwort",
        validators=[required("Bitte geben Sie Ihr Passwort ein.")],
        description="Zur Bestätigung: Ihr eigenes Passwort, nicht das der Person.",
        render_kw={"autocomplete": "current-password"},
    )


class GrantRoleForm(_AdminIdentityCheck):
    role = SelectField(
        "Rolle",
        choices=[(role.value, label) for role, label in ROLE_LABELS.items()],
        validate_choice=False,  # AnyOf says it in German
        validators=[AnyOf([role.value for role in ROLE_LABELS], "Bitte wählen Sie eine Rolle.")],
    )
    municipality_ids = MultiCheckboxField(
        "Kommunen (nur für die Moderation)",
        "Bitte wählen Sie Kommunen aus der Liste.",
        description="Keine Kommune angekreuzt: die Moderation gilt für den ganzen Kreis.",
    )


class RevokeRoleForm(_AdminIdentityCheck):
    pass


class ResendConfirmationForm(FlaskForm):
    """Only the CSRF token: sending a reminder changes no rights."""


class ResetSecondFactorForm(_AdminIdentityCheck):
    """On the account page beside the role form, hence with its own prefix (field ids)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="reset", **kwargs)


MARKDOWN_HINT = (
    "Markdown: eine Leerzeile trennt Absätze; „## Zwischenüberschrift“, **fett**, *kursiv*, "
    "„- “ am Zeilenanfang für eine Aufzählung, [Linktext](https://…) für einen Link. "
    "HTML wird als Text angezeigt."
)


class PageForm(FlaskForm):
    """A text of the site; "Vorschau" shows it rendered, "Speichern" writes a version."""

    title = StringField(
        "Überschrift",
        filters=[strip_filter],
        validators=[
            required("Bitte geben Sie eine Überschrift an."),
            length(max_len=TITLE_MAX, label="Die Überschrift"),
            NoControlCharacters(),
        ],
    )
    body = TextAreaField(
        "Text",
        filters=[strip_filter],
        validators=[
            required("Bitte geben Sie den Text an."),
            length(max_len=BODY_MAX, label="Der Text"),
            NoControlCharacters(),
        ],
        description=MARKDOWN_HINT,
        render_kw={"rows": 18},
    )
    # The version the text was opened at: a save over a newer one is refused.
    base_version = HiddenField()


class ReasonTemplateForm(FlaskForm):
    kind = SelectField("Art", choices=[(k.value, v) for k, v in REASON_KIND_LABELS.items()])
    title = StringField(
        "Titel",
        filters=[strip_filter],
        validators=[required("Bitte geben Sie einen Titel an."), length(2, 120, label="Der Titel")],
        description="Erscheint öffentlich als Kategorie, etwa bei einer ausgeblendeten Idee.",
    )
    text = TextAreaField(
        "Text",
        filters=[strip_filter],
        validators=[required("Bitte geben Sie den Text an."), length(5, 2000, label="Der Text")],
        description="Erreicht die Autorin oder den Autor als Benachrichtigung.",
        render_kw={"rows": 4},
    )
