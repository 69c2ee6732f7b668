from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import Email, EqualTo, Optional, ValidationError

from ..forms import HumanCheckForm, NoControlCharacters, length, required, strip_filter
from .identity import IdentityCheckForm
from .models import USER_KIND_LABELS, UserKind
from .names import name_problem
from .password_strength import password_problem

KIND_CHOICES = [(kind.value, label) for kind, label in USER_KIND_LABELS.items()]
PASSWORD_MIN = 10
PASSWORD_HINT = (
    f"Mindestens {PASSWORD_MIN} Zeichen. Ein langer Satz ist leicht zu merken und sicher."
)


class AcceptableName:
    """Visible characters only and no staff name (see accounts.names)."""

    def __init__(self, organisation: bool = False):
        self.organisation = organisation

    def __call__(self, form, field):
        if self.organisation and form.kind.data == UserKind.RESIDENT.value:
            return  # not used for residents
        problem = name_problem(
            field.data,
            organisation=self.organisation,
            reserved_allowed=form.reserved_names_left_to_service,
        )
        if problem:
            raise ValidationError(problem)


class NotEasilyGuessed:
    """Common passwords and ones made of the person's or the platform's names are refused.

    The person is the form's `password_owner` (reset, change) or what the sign-up
    form has just been given.
    """

    def __call__(self, form, field):
        if not field.data or len(field.data) < PASSWORD_MIN:
            return  # the length rule speaks first
        problem = password_problem(field.data, **_password_owner(form))
        if problem:
            raise ValidationError(problem)


def _password_owner(form) -> dict[str, str]:
    owner = getattr(form, "password_owner", None)
    if owner is not None:
        details = {name: getattr(owner, name) for name in _OWNER_DETAILS}
    else:
        details = {name: getattr(form, name).data for name in _OWNER_DETAILS if name in form}
    return {name: value or "" for name, value in details.items()}


_OWNER_DETAILS = ("email", "display_name", "organisation_name")


def _email_field(label: str = "E-Mail") -> EmailField:
    return EmailField(
        label,
        filters=[strip_filter],
        validators=[
            required("Bitte geben Sie Ihre E-Mail-Adresse an."),
            Email(
                message="Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.",
                check_deliverability=False,
            ),
            length(max_len=254, label="Die E-Mail-Adresse"),
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )


def _new_password_fields(label: str = "Passwort", name: str = "password"):
    """The new password and its repetition; `name` is the first field's name in the form."""
    password = PasswordField(
        label,
        validators=[
            required("Bitte wählen Sie ein Passwort."),
            length(PASSWORD_MIN, 200, label="Das Passwort"),
            NotEasilyGuessed(),
        ],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        f"{label} wiederholen",
        validators=[
            required("Bitte wiederholen Sie das Passwort."),
            EqualTo(name, message="Die beiden Passwörter stimmen nicht überein."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class ProfileFields(FlaskForm):
    kind = RadioField("Ich mache mit als", choices=KIND_CHOICES, default=UserKind.RESIDENT.value)
    organisation_name = StringField(
        "Name der Organisation",
        filters=[strip_filter],
        validators=[
            Optional(),
            length(2, 160, label="Der Name der Organisation"),
            NoControlCharacters(),
            AcceptableName(organisation=True),
        ],
        description="Nur für Vereine, Unternehmen und Institutionen.",
        render_kw={"autocomplete": "organization"},
    )
    display_name = StringField(
        "Anzeigename",
        filters=[strip_filter],
        validators=[
            required("Bitte geben Sie einen Anzeigenamen an."),
            length(2, 60, label="Der Anzeigename"),
            NoControlCharacters(),
            AcceptableName(),
        ],
        description=(
            "So erscheinen Sie bei Ihren Beiträgen, "
            "z. B. Vorname und erster Buchstabe des Nachnamens."
        ),
        render_kw={"autocomplete": "nickname"},
    )
    municipality = SelectField(
        "Kommune (freiwillig)",
        coerce=int,
        validators=[Optional()],
        description="In welcher Kommune leben oder arbeiten Sie?",
    )
    # Sign-up checks staff names here, before the service looks up the address: an
    # answer that differed for a known address would tell who has an account.
    reserved_names_left_to_service = False

    def validate_organisation_name(self, field):
        if self.kind.data != UserKind.RESIDENT.value and not field.data:
            raise ValidationError("Bitte geben Sie den Namen Ihrer Organisation an.")


class RegistrationForm(ProfileFields, HumanCheckForm):
    """With the invisible field and the fill time: per-address limits are sized for
    shared addresses, so bots must be stopped by the form itself."""

    email = _email_field()
    password, password_confirm = _new_password_fields()
    accept_privacy = BooleanField(
        "Ich habe die Datenschutzerklärung gelesen und bin einverstanden.",
        validators=[
            required("Bitte bestätigen Sie, dass Sie die Datenschutzerklärung gelesen haben.")
        ],
    )


class ProfileForm(ProfileFields):
    # Staff may keep the names they were given: the service knows who asks.
    reserved_names_left_to_service = True


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        "Passwort",
        validators=[required("Bitte geben Sie Ihr Passwort ein.")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(
        "Angemeldet bleiben",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.remember.description = (
            f"{current_app.config['RESIDENT_REMEMBER_DAYS']} Tage lang auf diesem Gerät, auch "
            "nach dem Schließen des Browsers. Nicht an Geräten, die andere mitbenutzen. Für "
            "Mitarbeitende gilt das aus Sicherheitsgründen nicht."
        )


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class _NewPasswordForm(FlaskForm):
    """For a person who has an account: `owner` is whose names the password must avoid."""

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.password_owner = owner


class ResetPasswordForm(_NewPasswordForm):
    """The mailed link proves the mailbox; a person with a second factor also gives a
    code before the password changes, or the mailbox alone would take the account."""

    password, password_confirm = _new_password_fields()
    code = IdentityCheckForm.code

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        if not getattr(owner, "has_second_factor", False):
            del self.code


class ChangePasswordForm(IdentityCheckForm, _NewPasswordForm):
    """Who is asking is checked as for every weighty step (`password` is the current one)."""

    new_password, new_password_confirm = _new_password_fields("Neues Passwort", "new_password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.password.label.text = "Aktuelles Passwort"


class ChangeEmailForm(IdentityCheckForm):
    email = _email_field("Neue E-Mail-Adresse")


class EmptyForm(FlaskForm):
    """Only the CSRF token: for buttons such as Abmelden."""
