"""Internal pipeline pages: rate, rank and choose, answer ideas. Projects: planning_views."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..ideas.choices import field_choices, municipality_choices
from ..ideas.listing import get_idea_with_details
from ..ideas.models import PUBLIC_STATES, Idea
from ..input_guard import record_id
from ..ratelimits import write_limit
from ..safe_redirect import is_local_path
from . import overview, projects, services
from .forms import DeclineForm, RatingForm, SelectionForm
from .models import Project
from .permissions import can_plan_projects, can_view_pipeline

bp = Blueprint("pipeline", __name__, url_prefix="/pipeline")
MAX_SELECTION = 50


@bp.app_context_processor
def pipeline_navigation() -> dict:
    return {"can_view_pipeline": can_view_pipeline, "can_plan_projects": can_plan_projects}


@bp.before_request
@login_required
def require_member():
    if not can_view_pipeline(current_user):
        abort(403)


def require_team() -> None:
    if not can_plan_projects(current_user):
        abort(403)


def project_choices() -> list[tuple[int, str]]:
    query = select(Project.id, Project.title).order_by(Project.title)
    return [tuple(row) for row in db.session.execute(query)]


@bp.get("")
def index():
    filters = overview.OverviewFilter.from_args(request.args)
    return render_template(
        "pipeline/overview.html",
        result=overview.rating_overview(current_user, filters),
        filters=filters,
        sorts=overview.SORTS,
        rated_choices=overview.RATED_CHOICES.items(),
        taken_choices=overview.TAKEN_CHOICES.items(),
        fields=field_choices(blank=False),
        municipalities=municipality_choices(blank=False, slugs=True),
        selection_form=SelectionForm(),
        projects=project_choices() if can_plan_projects(current_user) else [],
    )


def _public_idea(idea_id: int) -> Idea:
    idea = get_idea_with_details(idea_id)
    if idea is None or idea.state not in PUBLIC_STATES:
        abort(404)
    return idea


@bp.route("/ideas/<int:idea_id>/rate", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def rate(idea_id: int):
    idea = _public_idea(idea_id)
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
        "pipeline/rate.html",
        idea=idea,
        form=form,
        others=overview.assessments_of(idea),
        in_projects=projects.projects_of_idea(idea),
    )


def selected_ideas() -> list[Idea]:
    """The ideas ticked in the list; unknown ids and non-public ideas are dropped."""
    ids = {record_id(value) for value in request.values.getlist("idea")} - {None}
    if not ids:
        return []
    query = (
        select(Idea)
        .where(Idea.id.in_(list(ids)[:MAX_SELECTION]))
        .options(joinedload(Idea.municipality))
    )
    return [idea for idea in db.session.scalars(query.order_by(Idea.id)) if idea.is_public]


@bp.post("/take")
@write_limit("MODERATION_RATE_LIMIT")
def take():
    """The list's two buttons: a new project from the selection, or add it to a project."""
    require_team()
    if not SelectionForm().validate_on_submit():
        abort(400)
    chosen = selected_ideas()
    back = request.form.get("back") or ""
    if not (back.startswith("/pipeline") and is_local_path(back)):  # no CR/LF into Location
        back = url_for("pipeline.index")
    if not chosen:
        flash("Bitte wählen Sie mindestens eine Idee aus.", "error")
        return redirect(back)
    if request.form.get("target") == "new":
        return redirect(url_for("pipeline.new_project", idea=[idea.id for idea in chosen]))
    project_id = record_id(request.form.get("project"))
    project = db.session.get(Project, project_id) if project_id else None
    if project is None:
        flash("Bitte wählen Sie das Projekt, in das die Ideen einfließen sollen.", "error")
        return redirect(back)
    try:
        taken = projects.take_ideas(current_user, project, chosen)
    except services.PipelineError as error:
        flash(str(error), "error")
        return redirect(back)
    if not taken:
        flash(f"Die ausgewählten Ideen gehören bereits zu „{project.title}“.", "info")
    else:
        flash(
            f"{len(taken)} Idee(n) in „{project.title}“ übernommen. "
            "Autorinnen, Autoren und Unterstützende werden benachrichtigt.",
            "success",
        )
    return redirect(url_for("pipeline.edit_project", project_id=project.id))


@bp.route("/ideas/<int:idea_id>/decline", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def decline(idea_id: int):
    require_team()
    idea = _public_idea(idea_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            projects.decline_idea(current_user, idea, form.answer.data)
        except services.PipelineError as error:
            form.answer.errors.append(str(error))
        else:
            flash(f"„{idea.title}“ ist als nicht weiterverfolgt beantwortet.", "success")
            return redirect(url_for("pipeline.index"))
    return render_template("pipeline/decline.html", idea=idea, form=form)


from . import planning_views  # noqa: E402, F401  (project routes on this blueprint)
