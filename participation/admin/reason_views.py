"""/admin/reasons: the reason templates moderators pick in their decisions.

Nested in the `admin` blueprint, whose guard lets only the administration in. The rules
live in `moderation.reasons`, next to where decisions use the templates.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..forms import attach_error
from ..moderation import reasons
from ..moderation.models import REASON_KIND_LABELS, ReasonTemplate
from ..ratelimits import write_limit
from .forms import ReasonTemplateForm

bp = Blueprint("reasons", __name__, url_prefix="/reasons")


@bp.context_processor
def reason_helpers() -> dict:
    return {"kinds": REASON_KIND_LABELS}


def _template_or_404(template_id: int) -> ReasonTemplate:
    return db.session.get(ReasonTemplate, template_id) or abort(404)


@bp.route("", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT", count_only_saved=True)
def index():
    form = ReasonTemplateForm()
    if form.validate_on_submit():
        try:
            reasons.add_template(current_user, form.kind.data, form.title.data, form.text.data)
        except reasons.ReasonError as error:
            attach_error(form, error)
        else:
            flash("Die Vorlage ist gespeichert.", "success")
            return redirect(url_for(".index"))
    return render_template("admin/reasons.html", form=form, templates=reasons.all_templates())


@bp.route("/<int:template_id>", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT", count_only_saved=True)
def edit(template_id: int):
    template = _template_or_404(template_id)
    form = ReasonTemplateForm(obj=template if request.method == "GET" else None)
    if form.validate_on_submit():
        data = (form.kind.data, form.title.data, form.text.data)
        try:
            changed = reasons.update_template(current_user, template, *data)
        except reasons.ReasonError as error:
            attach_error(form, error)
        else:
            flash("Die Vorlage ist gespeichert." if changed else "Nichts geändert.", "success")
            return redirect(url_for(".index"))
    return render_template("admin/reason_edit.html", form=form, template=template)


@bp.post("/<int:template_id>/retire")
@write_limit("MODERATION_RATE_LIMIT")
def retire(template_id: int):
    return _offer(template_id, False, "wird in Entscheidungen nicht mehr angeboten.")


@bp.post("/<int:template_id>/reactivate")
@write_limit("MODERATION_RATE_LIMIT")
def reactivate(template_id: int):
    return _offer(template_id, True, "wird in Entscheidungen wieder angeboten.")


def _offer(template_id: int, active: bool, said: str):
    template = _template_or_404(template_id)
    reasons.set_template_active(current_user, template, active)
    flash(f"„{template.title}“ {said}", "success")
    return redirect(url_for(".index"))
