from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..ideas.choices import field_choices, municipality_choices
from ..ideas.listing import get_idea_with_details
from ..ideas.models import IdeaState
from ..ratelimits import write_limit
from . import overview, services
from .forms import RatingForm
from .permissions import can_view_pipeline

bp = Blueprint("pipeline", __name__, url_prefix="/pipeline")


@bp.app_context_processor
def pipeline_navigation() -> dict:
    return {"can_view_pipeline": can_view_pipeline}


@bp.before_request
@login_required
def require_member():
    if not can_view_pipeline(current_user):
        abort(403)


@bp.get("")
def index():
    filters = overview.OverviewFilter.from_args(request.args)
    return render_template(
        "pipeline/overview.html",
        result=overview.rating_overview(current_user, filters),
        filters=filters,
        sorts=overview.SORTS,
        fields=field_choices(blank=False),
        municipalities=municipality_choices(blank=False, slugs=True),
    )


@bp.route("/ideas/<int:idea_id>/rate", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def rate(idea_id: int):
    idea = get_idea_with_details(idea_id)
    if idea is None or idea.state != IdeaState.PUBLISHED:
        abort(404)
    mine = services.my_assessment(current_user, idea)
    form = RatingForm(obj=mine if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.rate_idea(
                current_user, idea, form.relevance.data, form.feasibility.data, form.note.data
            )
        except services.PipelineError as error:
            getattr(form, error.field or "note").errors.append(str(error))
        else:
            flash(f"Ihre Bewertung von „{idea.title}“ ist gespeichert.", "success")
            return redirect(url_for("pipeline.index", unrated="1"))
    return render_template(
        "pipeline/rate.html", idea=idea, form=form, others=overview.assessments_of(idea)
    )
