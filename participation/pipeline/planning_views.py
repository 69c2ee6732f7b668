"""Project planning for the project team: create, plan, fund, milestones, updates."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..ratelimits import write_limit
from ..strategy.models import FieldOfAction, Municipality
from . import projects
from .forms import FundingForm, MilestoneForm, ProjectForm, UpdateForm
from .models import Project, ProjectIdea
from .services import PipelineError
from .views import bp, require_team, selected_ideas


def _pairs(query) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(query)]


def _plan_choices(form: ProjectForm) -> None:
    form.field_ids.choices = _pairs(
        select(FieldOfAction.id, FieldOfAction.name).order_by(FieldOfAction.position)
    )
    form.municipality_ids.choices = _pairs(
        select(Municipality.id, Municipality.name).order_by(
            Municipality.is_district_wide.desc(), Municipality.position, Municipality.name
        )
    )


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
        target = getattr(form, error.field or "title", form.title)
        target.errors = [*target.errors, str(error)]
        return None


@bp.get("/projects", endpoint="projects")
def projects_list():
    idea_count = (
        select(func.count())
        .where(ProjectIdea.project_id == Project.id)
        .correlate(Project)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Project, idea_count).order_by(Project.kind, Project.title)
    ).all()
    return render_template("pipeline/projects.html", rows=rows)


@bp.route("/projects/new", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def new_project():
    require_team()
    ideas = selected_ideas()
    form = ProjectForm()
    _plan_choices(form)
    if request.method == "GET" and ideas:
        _prefill_from_ideas(form, ideas)
    project = _save_plan(form, lambda plan: projects.create_project(current_user, plan, ideas))
    if project is not None:
        flash(f"Das Projekt „{project.title}“ ist angelegt.", "success")
        return redirect(url_for("pipeline.edit_project", project_id=project.id))
    return render_template("pipeline/project_form.html", form=form, ideas=ideas, project=None)


def _project_or_404(project_id: int) -> Project:
    project = projects.load_project(project_id)
    if project is None:
        abort(404)
    return project


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@write_limit("MODERATION_RATE_LIMIT")
def edit_project(project_id: int):
    require_team()
    project = _project_or_404(project_id)
    form = _stored_plan(project) if request.method == "GET" else ProjectForm()
    _plan_choices(form)
    saved = _save_plan(form, lambda plan: projects.update_plan(current_user, project, plan))
    if saved is not None:
        flash("Der Plan ist gespeichert.", "success")
        return redirect(url_for("pipeline.edit_project", project_id=project.id))
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
        "pipeline/project_form.html",
        form=form,
        project=project,
        ideas=[link.idea for link in project.idea_links],
        **forms,
    )


def _back_to_plan(project: Project, anchor: str):
    return redirect(url_for("pipeline.edit_project", project_id=project.id, _anchor=anchor))


def _side_form(project: Project, form, anchor: str, save, message: str):
    """Funding and milestone forms: saved, or shown again with the message by the field."""
    if form.validate_on_submit():
        try:
            save()
        except PipelineError as error:
            target = getattr(form, error.field or "title", None) or next(iter(form))
            target.errors = [*target.errors, str(error)]
        else:
            flash(message, "success")
            return _back_to_plan(project, anchor)
    return _plan_page(project, _stored_plan(project), **{f"{anchor}_form": form}), 422


@bp.post("/projects/<int:project_id>/funding")
@write_limit("MODERATION_RATE_LIMIT")
def add_funding(project_id: int):
    require_team()
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
    require_team()
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
    require_team()
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
    require_team()
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
    require_team()
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
    return render_template("pipeline/update_form.html", form=form, project=project)
