from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import render_error
from ..extensions import db
from ..forms import attach_error
from ..input_guard import record_id
from ..maps import tile_server
from ..pagecache import cached_for_visitors
from ..photos.uploads import (
    fill_from_idea,
    photo_upload_limit,
    save_photos,
    validate_with_photos,
)
from ..ratelimits import person_and_address_limit, write_limit
from ..strategy.geography import district_bounds
from ..strategy.services import field_choices, municipality_choices
from . import listing, permissions, places, services
from .forms import TITLE_MAX, CommentEditForm, CommentForm, IdeaForm
from .loaders import visible_comment_or_404, visible_idea_or_404
from .models import STATE_EXPLANATIONS, STATE_LABELS, Comment, Idea
from .permissions import (
    can_comment_idea,
    can_delete_comment,
    can_edit_comment,
    can_edit_idea,
    can_revise_idea,
    can_withdraw_idea,
)
from .revise import resubmit_idea
from .threads import comment_thread

bp = Blueprint("ideas", __name__)
SIMILAR_BODY_MAX = 1000  # the live hint sends the description's start in the address


@bp.record_once
def register_globals(state) -> None:
    """Globals, not context: imported macros (the idea card) see them too."""
    state.app.jinja_env.globals["state_labels"] = STATE_LABELS
    # For `strategy/_district_map.html`: the strategy pages cannot count ideas themselves.
    state.app.jinja_env.globals["district_overview"] = places.district_overview
    state.app.jinja_env.globals["district_bounds"] = district_bounds  # where maps start


@bp.app_context_processor
def idea_helpers() -> dict:
    return {
        "state_explanations": STATE_EXPLANATIONS,
        **{name: getattr(permissions, name) for name in permissions.__all__},
    }


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _idea_form(idea: Idea | None = None) -> IdeaForm:
    form = IdeaForm(obj=idea if request.method == "GET" else None)
    form.field.choices = field_choices()
    form.municipality.choices = municipality_choices()
    if idea is not None and request.method == "GET":
        form.field.data, form.municipality.data = idea.field_id, idea.municipality_id
        fill_from_idea(form, idea)
    elif request.method == "GET":
        form.municipality.data = current_user.municipality_id  # the profile's home town
    return form


def _idea_data(form: IdeaForm) -> services.IdeaData:
    return services.IdeaData(
        form.title.data,
        form.body.data,
        form.field.data,
        form.municipality.data,
        place=form.place.data,
        latitude=form.latitude.data,
        longitude=form.longitude.data,
    )


@bp.get("/ideas")
@cached_for_visitors
def index():
    filters = listing.IdeaFilter.from_args(request.args)
    page = listing.list_ideas(filters)
    return render_template(
        "ideas/index.html",
        page=page,
        filters=filters,
        sorts=listing.SORTS,
        states=listing.LISTABLE_STATES,
        fields=field_choices(blank=False),
        municipalities=municipality_choices(blank=False, slugs=True),
        # `?ansicht=karte`: the same list with a map of its ideas above (with tiles only).
        show_map=request.args.get("ansicht") == "karte" and tile_server() is not None,
    )


@bp.get("/ideas/orte.json")
def map_pins():
    """The pins of the map of ideas: the list's public ideas that have a point."""
    if tile_server() is None:
        abort(404)
    filters = listing.IdeaFilter.from_args(request.args)
    pins = places.pins(listing.filtered_ideas(filters))
    return jsonify(
        limit=places.MAX_PINS,
        pins=[
            {
                "id": pin.id,
                "title": pin.title,
                "place": pin.place,
                "lat": pin.latitude,
                "lon": pin.longitude,
                "url": url_for("ideas.detail", idea_id=pin.id),
            }
            for pin in pins
        ],
    )


@bp.route("/ideas/new", methods=["GET", "POST"])
@login_required
@write_limit("IDEA_RATE_LIMIT", count_only_saved=True)
@photo_upload_limit
def new():
    if current_user.is_blocked:
        abort(403)
    if not current_user.is_confirmed:
        return render_template("ideas/confirm_first.html"), 403
    form = _idea_form()
    similar = []
    if validate_with_photos(form, current_user):
        similar = listing.similar_ideas(form.title.data, form.body.data)
        if form.confirmed.data == "1":
            try:
                idea = services.submit_idea(current_user, _idea_data(form))
                save_photos(current_user, idea, form)
            except services.IdeaError as error:
                attach_error(form, error)
            else:
                flash("Danke! Ihre Idee ist eingegangen und wird nun geprüft.", "success")
                return redirect(url_for("ideas.detail", idea_id=idea.id))
        form.confirmed.data = "1"
        return render_template("ideas/preview.html", form=form, similar=similar)
    return render_template("ideas/form.html", form=form, idea=None)


@bp.get("/ideas/similar")
@person_and_address_limit("SIMILAR_RATE_LIMIT", ["GET"])
def similar():
    title, body = request.args.get("title", ""), request.args.get("body", "")
    ideas = listing.similar_ideas(title[:TITLE_MAX], body[:SIMILAR_BODY_MAX])
    return render_template("ideas/_similar.html", similar=ideas)


@bp.get("/ideas/<int:idea_id>")
@cached_for_visitors
def detail(idea_id: int):
    idea = visible_idea_or_404(idea_id)
    if not permissions.can_see_idea_content(current_user, idea):
        return render_template("ideas/hidden.html", idea=idea)
    # A form makes a CSRF token, and the token a session cookie: only for those who may write.
    comment_form = CommentForm() if can_comment_idea(current_user, idea) else None
    return _detail_page(idea, comment_form)


def _detail_page(idea: Idea, comment_form: CommentForm | None) -> str:
    return render_template(
        "ideas/detail.html",
        idea=idea,
        thread=comment_thread(idea, current_user),
        supported=services.has_supported(current_user, idea),
        following=services.is_following(current_user, idea),
        comment_form=comment_form,
    )


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
@photo_upload_limit
def edit(idea_id: int):
    return _change_own_idea(
        idea_id, can_edit_idea, services.update_idea, "Ihre Änderungen sind gespeichert."
    )


def _confirmed() -> bool:
    """Destructive steps ask first: only the confirmation page's form carries `confirm`,
    so an accidental tap or an old form leads to the question instead of the change."""
    return request.method == "POST" and request.form.get("confirm") == "1"


@bp.route("/ideas/<int:idea_id>/withdraw", methods=["GET", "POST"])
@login_required
@write_limit("REMOVAL_RATE_LIMIT")
def withdraw(idea_id: int):
    idea = visible_idea_or_404(idea_id)
    if not can_withdraw_idea(current_user, idea):
        abort(403)
    if not _confirmed():
        if request.method == "POST":
            return redirect(url_for("ideas.withdraw", idea_id=idea.id), code=303)
        return render_template("ideas/confirm_withdraw.html", idea=idea)
    services.withdraw_idea(current_user, idea)
    flash("Sie haben Ihre Idee zurückgezogen.", "success")
    return redirect(url_for("pages.account"))


@bp.post("/ideas/<int:idea_id>/support", endpoint="support", defaults={"add": True})
@bp.post("/ideas/<int:idea_id>/unsupport", endpoint="unsupport", defaults={"add": False})
@login_required
@write_limit("SUPPORT_RATE_LIMIT")
def change_support(idea_id: int, add: bool):
    """Two separate, idempotent actions, so a double tap never undoes a support."""
    idea = visible_idea_or_404(idea_id)
    refusal = permissions.support_refusal(current_user, idea)
    if refusal:
        return (jsonify(error=refusal), 403) if _wants_json() else render_error(403, refusal)
    if add:
        services.support_idea(current_user, idea)
    else:
        services.withdraw_support(current_user, idea)
    if _wants_json():
        return jsonify(supported=add, count=idea.support_count)
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor="unterstuetzen"))


@bp.post("/ideas/<int:idea_id>/follow", endpoint="follow", defaults={"add": True})
@bp.post("/ideas/<int:idea_id>/unfollow", endpoint="unfollow", defaults={"add": False})
@login_required
@write_limit("SUPPORT_RATE_LIMIT")
def change_follow(idea_id: int, add: bool):
    idea = visible_idea_or_404(idea_id)
    if add:
        services.follow_idea(current_user, idea)
        flash(
            "Sie verfolgen diese Idee. Neuigkeiten finden Sie unter Benachrichtigungen.", "success"
        )
    else:
        services.unfollow_idea(current_user.id, idea.id)
        flash("Sie verfolgen diese Idee nicht mehr.", "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id))


@bp.post("/ideas/<int:idea_id>/comments")
@login_required
@write_limit("COMMENT_RATE_LIMIT", count_only_saved=True)
def comment(idea_id: int):
    idea = visible_idea_or_404(idea_id)
    if not can_comment_idea(current_user, idea):
        abort(403)
    form = CommentForm()
    if form.validate_on_submit():
        parent = _reply_parent(form.parent_id.data, idea)
        new_comment = services.add_comment(current_user, idea, form.body.data, parent)
        flash(_comment_flash(new_comment), "success")
        return redirect(
            url_for("ideas.detail", idea_id=idea.id, _anchor=f"kommentar-{new_comment.id}")
        )
    return _detail_page(idea, form), 422


def _reply_parent(raw_id: str | None, idea: Idea) -> Comment | None:
    if not raw_id:
        return None
    parent_id = record_id(raw_id)
    parent = db.session.get(Comment, parent_id) if parent_id else None
    if (
        parent is None
        or parent.idea_id != idea.id
        or parent.parent_id is not None
        or not parent.is_visible
    ):
        abort(400)
    return parent


def _comment_flash(new_comment: Comment) -> str:
    if new_comment.is_visible:
        return "Ihr Kommentar ist veröffentlicht."
    return "Danke! Ihr Kommentar wird geprüft und dann veröffentlicht."


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
@write_limit("COMMENT_RATE_LIMIT")
def edit_comment(comment_id: int):
    comment_obj = visible_comment_or_404(comment_id)
    if not can_edit_comment(current_user, comment_obj):
        abort(403)
    form = CommentEditForm(obj=comment_obj if request.method == "GET" else None)
    if form.validate_on_submit():
        services.edit_comment(current_user, comment_obj, form.body.data)
        flash("Ihr Kommentar ist geändert.", "success")
        return redirect(
            url_for(
                "ideas.detail", idea_id=comment_obj.idea_id, _anchor=f"kommentar-{comment_obj.id}"
            )
        )
    return render_template("ideas/comment_edit.html", form=form, comment=comment_obj)


@bp.route("/comments/<int:comment_id>/delete", methods=["GET", "POST"])
@login_required
@write_limit("REMOVAL_RATE_LIMIT")
def delete_comment(comment_id: int):
    comment_obj = visible_comment_or_404(comment_id)
    if not can_delete_comment(current_user, comment_obj):
        abort(403)
    if not _confirmed():
        if request.method == "POST":
            return redirect(url_for("ideas.delete_comment", comment_id=comment_obj.id), code=303)
        return render_template("ideas/confirm_delete_comment.html", comment=comment_obj)
    try:
        services.delete_comment(current_user, comment_obj)
    except services.NotAllowed:
        abort(403)
    flash("Ihr Kommentar ist gelöscht.", "success")
    return redirect(
        url_for("ideas.detail", idea_id=comment_obj.idea_id, _anchor=f"kommentar-{comment_obj.id}")
    )


@bp.route("/ideas/<int:idea_id>/revise", methods=["GET", "POST"])
@login_required
@write_limit("IDEA_RATE_LIMIT", count_only_saved=True)
@photo_upload_limit
def revise(idea_id: int):
    return _change_own_idea(
        idea_id,
        can_revise_idea,
        resubmit_idea,
        "Danke! Ihre überarbeitete Idee wird erneut geprüft.",
        revising=True,
    )


def _change_own_idea(idea_id: int, allowed, save, success: str, revising: bool = False):
    """The author's form for an existing idea: edit while pending, revise after a rejection."""
    idea = visible_idea_or_404(idea_id)
    if not allowed(current_user, idea):
        abort(403)
    form = _idea_form(idea)
    if validate_with_photos(form, current_user, idea):
        try:
            save(current_user, idea, _idea_data(form))
            save_photos(current_user, idea, form)
        except services.IdeaError as error:
            attach_error(form, error)
        else:
            flash(success, "success")
            return redirect(url_for("ideas.detail", idea_id=idea.id))
    return render_template("ideas/form.html", form=form, idea=idea, revising=revising)
