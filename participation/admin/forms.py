from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField
from wtforms.validators import AnyOf

from ..accounts.identity import IdentityCheckForm
from ..forms import required
from ..projects.forms import MultiCheckboxField
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
