"""/admin: accounts and their roles. One guard: only the administration gets in."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts import throttle
from ..accounts.identity import confirm_identity
from ..accounts.models import USER_KIND_LABELS, User
from ..extensions import db
from ..forms import attach_error
from ..ratelimits import write_limit
from ..roles import RoleAssignment, is_admin
from ..strategy.services import home_municipality_choices
from ..templating import format_day
from . import services
from .forms import GrantRoleForm, ResendConfirmationForm, ResetSecondFactorForm, RevokeRoleForm
from .reason_views import bp as reasons_bp
from .text_views import bp as texts_bp

bp = Blueprint("admin", __name__, url_prefix="/admin")
# Texts and reason templates: nested, so the one guard below covers them too.
bp.register_blueprint(texts_bp)
bp.register_blueprint(reasons_bp)
REFUSED_MESSAGE = "Das Passwort ist nicht richtig. Es wurde nichts geändert."


@bp.app_context_processor
def admin_navigation() -> dict:
    return {"can_administer": is_admin}


@bp.context_processor
def admin_helpers() -> dict:
    return {
        "role_labels": services.ROLE_LABELS,
        "kind_labels": USER_KIND_LABELS,
        "account_state": account_state,
        "role_summary": services.role_summary,
    }


@bp.before_request
@login_required
def require_admin():
    if not is_admin(current_user):
        abort(403)


def account_state(user: User) -> str:
    """The account's state in plain words."""
    if user.deleted_at is not None:
        return "gelöscht"
    if user.is_blocked:
        until = (
            f" bis einschließlich {format_day(user.blocked_until)}" if user.blocked_until else ""
        )
        return f"gesperrt{until}"
    return "aktiv" if user.is_confirmed else "unbestätigt"


def _password_ok(form) -> bool:
    """The acting admin proves again who they are before rights change."""
    return confirm_identity(current_user, form, REFUSED_MESSAGE) is None


@bp.get("")
def index():
    return redirect(url_for("admin.accounts"))


@bp.get("/accounts")
def accounts():
    filters = services.AccountFilter.from_args(request.args)
    return render_template(
        "admin/accounts.html", result=services.search_accounts(filters), filters=filters
    )


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
@throttle.refuse_busy_address
def account(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    form = _grant_form()
    if form.validate_on_submit() and _password_ok(form):
        try:
            added = services.grant_roles(
                current_user, person, form.role.data, form.municipality_ids.data
            )
        except services.AdminError as error:
            attach_error(form, error, "role")
        else:
            message = "Die Rolle ist vergeben." if added else "Die Person hat diese Rolle schon."
            flash(message, "success")
            return redirect(url_for("admin.account", user_id=person.id))
    return _account_page(person, form)


def _grant_form(**kwargs) -> GrantRoleForm:
    form = GrantRoleForm(**kwargs)
    form.municipality_ids.choices = home_municipality_choices()[1:]  # the towns, no "none"
    return form


def _account_page(person: User, form: GrantRoleForm, reset_form=None):
    return render_template(
        "admin/account.html",
        person=person,
        form=form,
        resend_form=ResendConfirmationForm(),
        reset_form=reset_form if reset_form is not None else ResetSecondFactorForm(formdata=None),
    )


@bp.route("/accounts/<int:user_id>/roles/<int:assignment_id>/revoke", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
@throttle.refuse_busy_address
def revoke(user_id: int, assignment_id: int):
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user_id:
        abort(404)
    form, refusal = RevokeRoleForm(), None
    if form.validate_on_submit() and _password_ok(form):
        try:
            services.revoke_role(current_user, assignment)
        except services.AdminError as error:
            refusal = str(error)
        else:
            flash("Die Rolle ist entzogen; die Person wurde überall abgemeldet.", "success")
            return redirect(url_for("admin.account", user_id=user_id))
    return render_template(
        "admin/revoke.html",
        assignment=assignment,
        person=assignment.user,
        form=form,
        refusal=refusal,
    )


@bp.post("/accounts/<int:user_id>/confirmation")
@write_limit("MODERATION_RATE_LIMIT")
def resend_confirmation(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    try:
        services.resend_confirmation(current_user, person)
    except services.AdminError as error:
        flash(str(error), "error")
    else:
        flash(f"Ein neuer Bestätigungslink ist an {person.email} unterwegs.", "success")
    return redirect(url_for("admin.account", user_id=person.id))


@bp.post("/accounts/<int:user_id>/second-factor")
@write_limit("MODERATION_RATE_LIMIT")
@throttle.refuse_busy_address
def reset_second_factor(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    form = ResetSecondFactorForm()
    if not (form.validate_on_submit() and _password_ok(form)):
        return _account_page(person, _grant_form(formdata=None), form)
    try:
        services.reset_second_factor(current_user, person)
    except services.AdminError as error:
        flash(str(error), "error")
    else:
        flash(f"Die Zwei-Faktor-Anmeldung von {person.display_name} ist zurückgesetzt.", "success")
    return redirect(url_for("admin.account", user_id=person.id))
