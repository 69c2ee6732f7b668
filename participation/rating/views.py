"""Internal rating pages: the overview of published ideas with their figures (where the
project team also ticks ideas to take them in) and rating one idea. Taking in, answering
and planning: `projects.views`."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..ideas.loaders import public_idea_or_404
from ..ratelimits import write_limit
from ..strategy.services import field_choices, municipality_choices
from . import overview, services
from .forms import RatingForm, SelectionForm
from .permissions import can_view_pipeline

bp = Blueprint("rating", __name__, url_prefix="/pipeline")


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
        "rating/overview.html",
        result=overview.rating_overview(current_user, filters),
        filters=filters,
        sorts=overview.SORTS,
        rated_choices=overview.RATED_CHOICES.items(),
        taken_choices=overview.TAKEN_CHOICES.items(),
        fields=field_choices(blank=False),
        municipalities=municipality_choices(blank=False, slugs=True),
        selection_form=SelectionForm(),
    )


@bp.route("/ideas/<int:idea_id>/rate", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def rate(idea_id: int):
    idea = public_idea_or_404(idea_id)
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
            return redirect(url_for("rating.index", unrated="1"))
    return render_template(
        "rating/rate.html", idea=idea, form=form, others=overview.assessments_of(idea)
    )
