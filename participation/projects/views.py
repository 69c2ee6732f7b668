"""The project team's pages: choosing (take ideas into a project, or answer them "nicht
weiterverfolgt") and planning (create, plan, fund, milestones, updates). The committee
reads the list of projects; everything else here is the team's."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..forms import attach_error
from ..ideas.loaders import public_idea_or_404
from ..ideas.models import Idea
from ..input_guard import record_id
from ..ratelimits import write_limit
from ..rating.forms import SelectionForm
from ..rating.permissions import can_view_pipeline
from ..rating.services import PipelineError
from ..safe_redirect import is_local_path
from ..strategy.services import field_choices, municipality_choices
from . import services as projects
from .forms import DeclineForm, FundingForm, MilestoneForm, ProjectForm, UpdateForm
from .models import Project, ProjectIdea
from .permissions import can_plan_projects

bp = Blueprint("projects", __name__, url_prefix="/pipeline")
MAX_SELECTION = 50
# The committee reads the list of projects; every other page here is the project team's.
OPEN_TO_COMMITTEE = {"projects.index"}


@bp.before_request
@login_required
def require_planner():
    """The project team everywhere here; the committee on the list of projects only."""
    may = can_view_pipeline if request.endpoint in OPEN_TO_COMMITTEE else can_plan_projects
    if not may(current_user):
        abort(403)


@bp.app_context_processor
def planning_navigation() -> dict:
    return {"can_plan_projects": can_plan_projects}


def _pairs(query) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(query)]


def project_choices() -> list[tuple[int, str]]:
    return _pairs(select(Project.id, Project.title).order_by(Project.title))


@bp.record_once
def register_globals(state) -> None:
    """The rating pages offer the team's projects as targets and show where an idea went;
    rating sits below projects and does not import them, so projects hand over these."""
    state.app.jinja_env.globals["project_choices"] = project_choices
    state.app.jinja_env.globals["projects_of_idea"] = projects.projects_of_idea


# Choosing -------------------------------------------------------------------------------


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
    if not SelectionForm().validate_on_submit():
        abort(400)
    chosen = selected_ideas()
    back = request.form.get("back") or ""
    if not (back.startswith("/pipeline") and is_local_path(back)):  # no CR/LF into Location
        back = url_for("rating.index")
    if not chosen:
        flash("Bitte wählen Sie mindestens eine Idee aus.", "error")
        return redirect(back)
    if request.form.get("target") == "new":
        return redirect(url_for("projects.new_project", idea=[idea.id for idea in chosen]))
    project_id = record_id(request.form.get("project"))
    project = db.session.get(Project, project_id) if project_id else None
    if project is None:
        flash("Bitte wählen Sie das Projekt, in das die Ideen einfließen sollen.", "error")
        return redirect(back)
    try:
        taken = projects.take_ideas(current_user, project, chosen)
    except PipelineError as error:
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
    return redirect(url_for("projects.edit_project", project_id=project.id))


@bp.route("/ideas/<int:idea_id>/decline", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def decline(idea_id: int):
    idea = public_idea_or_404(idea_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            projects.decline_idea(current_user, idea, form.answer.data)
        except PipelineError as error:
            form.answer.errors.append(str(error))
        else:
            flash(f"„{idea.title}“ ist als nicht weiterverfolgt beantwortet.", "success")
            return redirect(url_for("rating.index"))
    return render_template("projects/decline.html", idea=idea, form=form)


# Planning -------------------------------------------------------------------------------


def _plan_choices(form: ProjectForm) -> None:
    form.field_ids.choices = field_choices(ids=True)
    form.municipality_ids.choices = municipality_choices(blank=False)


def _plan_from(form: ProjectForm) -> projects.ProjectPlan:
    values = {name: form[name].data for name in projects.PLAN_FIELDS}
    values["progress"] = values["progress"] or 0
    for name in ("summary", "what", "place", "lead", "partners", "internal_notes"):
        values[name] = values[name] or ""
    return projects.ProjectPlan(
        **values,
        field_ids=form.field_ids.data or [],
        municipality_ids=form.municipality_ids.data or [],
    )


def _prefill_from_ideas(form: ProjectForm, ideas) -> None:
    """A project made from ideas starts with their fields and places; the team edits."""
    form.field_ids.data = sorted({idea.field_id for idea in ideas})
    form.municipality_ids.data = sorted({idea.municipality_id for idea in ideas})
    if len(ideas) == 1:
        form.title.data = ideas[0].title
        form.summary.data = ideas[0].body[:600]


def _save_plan(form: ProjectForm, save) -> Project | None:
    """Validate and save; a rule the service enforces shows next to its field."""
    if not form.validate_on_submit():
        return None
    try:
        return save(_plan_from(form))
    except PipelineError as error:
        attach_error(form, error, fallback="title")
        return None


@bp.get("/projects")
def index():
    idea_count = (
        select(func.count())
        .where(ProjectIdea.project_id == Project.id)
        .correlate(Project)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Project, idea_count).order_by(Project.kind, Project.title)
    ).all()
    return render_template("projects/projects.html", rows=rows)


@bp.route("/projects/new", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def new_project():
    ideas = selected_ideas()
    form = ProjectForm()
    _plan_choices(form)
    if request.method == "GET" and ideas:
        _prefill_from_ideas(form, ideas)
    project = _save_plan(form, lambda plan: projects.create_project(current_user, plan, ideas))
    if project is not None:
        flash(f"Das Projekt „{project.title}“ ist angelegt.", "success")
        return redirect(url_for("projects.edit_project", project_id=project.id))
    return render_template("projects/project_form.html", form=form, ideas=ideas, project=None)


def _project_or_404(project_id: int) -> Project:
    project = projects.load_project(project_id)
    if project is None:
        abort(404)
    return project


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def edit_project(project_id: int):
    project = _project_or_404(project_id)
    form = _stored_plan(project) if request.method == "GET" else ProjectForm()
    _plan_choices(form)
    saved = _save_plan(form, lambda plan: projects.update_plan(current_user, project, plan))
    if saved is not None:
        flash("Der Plan ist gespeichert.", "success")
        return redirect(url_for("projects.edit_project", project_id=project.id))
    return _plan_page(project, form)


def _stored_plan(project: Project) -> ProjectForm:
    form = ProjectForm(obj=project)
    _plan_choices(form)
    form.field_ids.data = [field.id for field in project.fields]
    form.municipality_ids.data = [place.id for place in project.municipalities]
    return form


def _plan_page(project: Project, form: ProjectForm, **side_forms) -> str:
    """The plan with its funding and milestone forms; a form given shows its errors."""
    forms = {
        "funding_form": FundingForm(prefix="funding"),
        "milestone_form": MilestoneForm(prefix="milestone"),
        **side_forms,
    }
    return render_template(
        "projects/project_form.html",
        form=form,
        project=project,
        ideas=[link.idea for link in project.idea_links],
        **forms,
    )


def _back_to_plan(project: Project, anchor: str):
    return redirect(url_for("projects.edit_project", project_id=project.id, _anchor=anchor))


def _side_form(project: Project, form, anchor: str, save, message: str):
    """Funding and milestone forms: saved, or shown again with the message by the field."""
    if form.validate_on_submit():
        try:
            save()
        except PipelineError as error:
            attach_error(
                form, error, fallback="title" if "title" in form else next(iter(form)).name
            )
        else:
            flash(message, "success")
            return _back_to_plan(project, anchor)
    return _plan_page(project, _stored_plan(project), **{f"{anchor}_form": form}), 422


@bp.post("/projects/<int:project_id>/funding")
@write_limit("MODERATION_RATE_LIMIT")
def add_funding(project_id: int):
    project = _project_or_404(project_id)
    form = FundingForm(prefix="funding")
    return _side_form(
        project,
        form,
        "funding",
        lambda: projects.add_funding(
            current_user, project, form.programme.data, form.amount.data, form.status.data
        ),
        "Die Finanzierungsquelle ist eingetragen.",
    )


@bp.post("/projects/<int:project_id>/funding/<int:source_id>/delete")
@write_limit("MODERATION_RATE_LIMIT")
def remove_funding(project_id: int, source_id: int):
    project = _project_or_404(project_id)
    try:
        projects.remove_funding(current_user, project, source_id)
    except PipelineError:
        abort(404)
    flash("Die Finanzierungsquelle ist entfernt.", "success")
    return _back_to_plan(project, "funding")


@bp.post("/projects/<int:project_id>/milestones")
@write_limit("MODERATION_RATE_LIMIT")
def add_milestone(project_id: int):
    project = _project_or_404(project_id)
    form = MilestoneForm(prefix="milestone")
    return _side_form(
        project,
        form,
        "milestone",
        lambda: projects.add_milestone(current_user, project, form.title.data, form.due_on.data),
        "Der Meilenstein ist eingetragen.",
    )


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>")
@write_limit("MODERATION_RATE_LIMIT")
def change_milestone(project_id: int, milestone_id: int):
    """Mark done, reopen or remove, from the buttons in the milestone list."""
    project = _project_or_404(project_id)
    action = request.form.get("action")
    if action not in ("done", "open", "remove"):
        abort(400)
    try:
        if action == "remove":
            projects.remove_milestone(current_user, project, milestone_id)
            message = "Der Meilenstein ist entfernt."
        else:
            done = action == "done"
            projects.set_milestone_done(current_user, project, milestone_id, done)
            message = "Meilenstein erledigt." if done else "Meilenstein wieder offen."
    except PipelineError:
        abort(404)
    flash(message, "success")
    return _back_to_plan(project, "milestone")


@bp.route("/projects/<int:project_id>/updates/new", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def new_update(project_id: int):
    project = _project_or_404(project_id)
    form = UpdateForm()
    if form.validate_on_submit():
        projects.publish_update(
            current_user, project, form.title.data, form.body.data, form.published_on.data
        )
        flash(
            "Die Neuigkeit ist veröffentlicht; wer dem Projekt folgt, erhält eine E-Mail.",
            "success",
        )
        return redirect(url_for("roadmap.project", project_id=project.id))
    return render_template("projects/update_form.html", form=form, project=project)
