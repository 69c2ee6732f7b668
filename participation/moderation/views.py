from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.models import User
from ..audit import reader as log
from ..extensions import db
from ..forms import attach_error
from ..ideas import services as ideas
from ..ideas.listing import get_idea_with_details
from ..ideas.models import COMMENT_STATE_LABELS, Comment, CommentState, Idea, IdeaState
from ..photos.models import IdeaPhoto
from ..ratelimits import write_limit
from ..strategy.services import field_choices, municipality_choices
from . import decisions, permissions, reasons
from .forms import BlockForm, CommentCorrectionForm, CorrectionForm, ReasonForm
from .models import ReasonKind
from .queue import KINDS, QueueFilter, moderation_queue, moderation_thread, waiting_count
from .stats import moderation_stats

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.app_context_processor
def staff_navigation() -> dict:
    def moderation_waiting() -> int | None:
        if not permissions.can_view_queue(current_user):
            return None
        return waiting_count(current_user)

    return {"moderation_waiting": moderation_waiting, "can_view_queue": permissions.can_view_queue}


@bp.context_processor
def moderation_helpers() -> dict:
    return {
        "can_block_users": permissions.can_block_users(current_user),
        "can_block": permissions.can_block,
        "can_unblock": permissions.can_unblock,
        "can_edit_reason_templates": permissions.can_edit_reason_templates(current_user),
        "action_labels": log.ACTION_LABELS,
        "object_labels": log.OBJECT_LABELS,
        "redaction_labels": log.REDACTION_LABELS,
        "comment_state_labels": COMMENT_STATE_LABELS,
    }


@bp.before_request
@login_required
def require_moderator():
    if not permissions.can_view_queue(current_user):
        abort(403)


def _idea_in_scope(idea_id: int):
    """Ideas outside the moderator's municipalities do not exist for them."""
    idea = get_idea_with_details(idea_id)
    if idea is None or not permissions.can_decide_on_idea(current_user, idea):
        abort(404)
    return idea


def _comment_in_scope(comment_id: int) -> tuple[Comment, Idea]:
    """The comment and its idea, if the idea lies in the moderator's scope."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    return comment, _idea_in_scope(comment.idea_id)


def _reason_form(kind: ReasonKind, form_class=ReasonForm):
    form = form_class()
    form.template.choices = reasons.choices(kind)
    return form


@bp.get("")
def queue():
    filters = QueueFilter.from_args(request.args)
    return render_template(
        "moderation/queue.html",
        items=moderation_queue(current_user, filters),
        filters=filters,
        kinds=KINDS,
        fields=field_choices(blank=False),
        municipalities=_municipalities_in_scope(),
    )


def _municipalities_in_scope() -> list[tuple[str, str]]:
    """The filter offers only what this moderator may see."""
    scope = permissions.moderation_scope(current_user)
    options = municipality_choices(blank=False, slugs=True, with_ids=True)
    return [(slug, name) for mid, slug, name in options if scope is None or mid in scope]


@bp.get("/ideas/<int:idea_id>")
def idea(idea_id: int):
    found = _idea_in_scope(idea_id)
    return render_template(
        "moderation/idea.html",
        idea=found,
        reports=reasons.open_reports(idea=found),
        history=log.history(found),
        thread=moderation_thread(found),
    )


@bp.post("/ideas/<int:idea_id>/approve")
@write_limit("MODERATION_RATE_LIMIT")
def approve_idea(idea_id: int):
    found = _idea_in_scope(idea_id)
    try:
        decisions.approve_idea(current_user, found)
    except ideas.IdeaError as error:
        flash(str(error), "error")
        return redirect(url_for("moderation.idea", idea_id=found.id))
    flash(
        f"„{found.title}“ ist freigegeben. Die Autorin oder der Autor wird benachrichtigt.",
        "success",
    )
    return redirect(url_for("moderation.queue"))


IDEA_REASON_DECISIONS = {
    "reject": (ReasonKind.REJECT, decisions.reject_idea, "Ablehnen", "abgelehnt"),
    "hide": (ReasonKind.HIDE, decisions.hide_idea, "Ausblenden", "ausgeblendet"),
}


@bp.route("/ideas/<int:idea_id>/<any(reject, hide):decision>", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def decide_idea_with_reason(idea_id: int, decision: str):
    found = _idea_in_scope(idea_id)
    kind, service, label, done = IDEA_REASON_DECISIONS[decision]
    form = _reason_form(kind)
    if form.validate_on_submit():
        reason = reasons.compose(form.template.data, form.reason.data)
        try:
            service(current_user, found, reason.text, reason.category)
        except ideas.IdeaError as error:
            attach_error(form, error)
        else:
            flash(
                f"„{found.title}“ ist {done}. "
                "Die Autorin oder der Autor erhält die Begründung als Benachrichtigung.",
                "success",
            )
            return redirect(url_for("moderation.queue"))
    return render_template(
        "moderation/reason.html", form=form, idea=found, comment=None, label=label
    )


@bp.post("/ideas/<int:idea_id>/restore")
@write_limit("MODERATION_RATE_LIMIT")
def restore_idea(idea_id: int):
    found = _idea_in_scope(idea_id)
    try:
        decisions.restore_idea(current_user, found)
    except ideas.IdeaError as error:
        flash(str(error), "error")
    else:
        flash(f"„{found.title}“ ist wieder sichtbar.", "success")
    return redirect(url_for("moderation.idea", idea_id=found.id))


@bp.route("/ideas/<int:idea_id>/correct", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def correct_idea(idea_id: int):
    found = _idea_in_scope(idea_id)
    form = CorrectionForm(obj=found if request.method == "GET" else None)
    if request.method == "GET":
        form.note.data = ""
    if form.validate_on_submit():
        decisions.correct_idea(current_user, found, form.title.data, form.body.data, form.note.data)
        flash("Die Korrektur ist gespeichert und protokolliert.", "success")
        return redirect(url_for("moderation.idea", idea_id=found.id))
    return render_template("moderation/correct.html", form=form, idea=found, comment=None)


@bp.post("/ideas/<int:idea_id>/dismiss")
@write_limit("MODERATION_RATE_LIMIT")
def dismiss_idea_reports(idea_id: int):
    found = _idea_in_scope(idea_id)
    closed = decisions.dismiss_reports(current_user, idea=found)
    still = "ausgeblendet" if found.state == IdeaState.HIDDEN else "sichtbar"
    flash(f"{closed} Meldung(en) geschlossen. Die Idee bleibt {still}.", "success")
    return redirect(url_for("moderation.queue"))


@bp.route("/photos/<int:photo_id>/remove", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def remove_photo(photo_id: int):
    photo = db.session.get(IdeaPhoto, photo_id)
    if photo is None or photo.idea_id is None:
        abort(404)  # a draft is nobody's business but its owner's
    found = _idea_in_scope(photo.idea_id)
    form = _reason_form(ReasonKind.HIDE)
    if form.validate_on_submit():
        reason = reasons.compose(form.template.data, form.reason.data)
        try:
            decisions.remove_photo(current_user, photo, reason.text)
        except (ideas.IdeaError, decisions.ModerationError) as error:
            attach_error(form, error)
        else:
            flash(
                "Das Foto ist entfernt. Die Autorin oder der Autor erhält die Begründung "
                "als Benachrichtigung.",
                "success",
            )
            return redirect(url_for("moderation.idea", idea_id=found.id))
    return render_template("moderation/remove_photo.html", form=form, idea=found, photo=photo)


@bp.post("/comments/<int:comment_id>/approve")
@write_limit("MODERATION_RATE_LIMIT")
def approve_comment(comment_id: int):
    comment, _idea = _comment_in_scope(comment_id)
    return _decide_comment(comment, "approve", "Der Kommentar ist freigegeben.")


@bp.post("/comments/<int:comment_id>/restore")
@write_limit("MODERATION_RATE_LIMIT")
def restore_comment(comment_id: int):
    comment, _idea = _comment_in_scope(comment_id)
    return _decide_comment(comment, "restore", "Der Kommentar ist wieder sichtbar.")


def _decide_comment(comment: Comment, action: str, message: str):
    try:
        decisions.decide_comment(current_user, comment, action)
    except ideas.IdeaError as error:
        flash(str(error), "error")
    else:
        flash(message, "success")
    return redirect(url_for("moderation.queue"))


@bp.route("/comments/<int:comment_id>/<any(reject, hide):decision>", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def decide_comment_with_reason(comment_id: int, decision: str):
    comment, idea = _comment_in_scope(comment_id)
    form = _reason_form(ReasonKind.REJECT if decision == "reject" else ReasonKind.HIDE)
    label = "Ablehnen" if decision == "reject" else "Ausblenden"
    if form.validate_on_submit():
        reason = reasons.compose(form.template.data, form.reason.data)
        try:
            decisions.decide_comment(current_user, comment, decision, reason.text, reason.category)
        except ideas.IdeaError as error:
            attach_error(form, error)
        else:
            flash(
                "Der Kommentar ist ausgeblendet. Die Person erhält die Begründung als "
                "Benachrichtigung.",
                "success",
            )
            return redirect(url_for("moderation.queue"))
    return render_template(
        "moderation/reason.html", form=form, idea=idea, comment=comment, label=label
    )


@bp.route("/comments/<int:comment_id>/correct", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def correct_comment(comment_id: int):
    comment, idea = _comment_in_scope(comment_id)
    form = CommentCorrectionForm(obj=comment if request.method == "GET" else None)
    if request.method == "GET":
        form.note.data = ""
    if form.validate_on_submit():
        try:
            decisions.correct_comment(current_user, comment, form.body.data, form.note.data)
        except decisions.ModerationError as error:
            attach_error(form, error)
        else:
            flash("Die Korrektur ist gespeichert und protokolliert.", "success")
            return redirect(url_for("moderation.idea", idea_id=comment.idea_id))
    return render_template("moderation/correct.html", form=form, idea=idea, comment=comment)


@bp.post("/comments/<int:comment_id>/dismiss")
@write_limit("MODERATION_RATE_LIMIT")
def dismiss_comment_reports(comment_id: int):
    comment, _idea = _comment_in_scope(comment_id)
    closed = decisions.dismiss_reports(current_user, comment=comment)
    still = "ausgeblendet" if comment.state == CommentState.HIDDEN else "sichtbar"
    flash(f"{closed} Meldung(en) geschlossen. Der Kommentar bleibt {still}.", "success")
    return redirect(url_for("moderation.queue"))


@bp.route("/users/<int:user_id>/block", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def block_user(user_id: int):
    if not permissions.can_block_users(current_user):
        abort(403)
    person = db.session.get(User, user_id) or abort(404)
    refusal = permissions.block_refusal(current_user, person)
    if refusal is not None:
        return render_template("moderation/block.html", person=person, refusal=refusal), 403
    form = _reason_form(ReasonKind.BLOCK, BlockForm)
    if form.validate_on_submit():
        reason = reasons.compose(form.template.data, form.reason.data)
        until = datetime.combine(form.until.data, time.max) if form.until.data else None
        try:
            decisions.block_user(current_user, person, reason.text, until)
        except decisions.ModerationError as error:
            attach_error(form, error)
        else:
            flash(f"Das Konto von {person.display_name} ist gesperrt.", "success")
            return redirect(url_for("moderation.queue"))
    return render_template("moderation/block.html", form=form, person=person)


@bp.post("/users/<int:user_id>/unblock")
@write_limit("MODERATION_RATE_LIMIT")
def unblock_user(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if not permissions.can_unblock(current_user, person):
        abort(403)
    decisions.unblock_user(current_user, person)
    flash(f"Das Konto von {person.display_name} ist wieder freigeschaltet.", "success")
    return redirect(url_for("moderation.queue"))


@bp.get("/log")
def audit_log():
    if not permissions.can_view_log(current_user):
        abort(403)
    filters = log.LogFilter.from_args(request.args)
    return render_template(
        "moderation/log.html",
        page=log.entries(current_user, filters),
        filters=filters,
        actions=log.ACTION_LABELS,
    )


@bp.get("/stats")
def stats():
    return render_template("moderation/stats.html", stats=moderation_stats())
