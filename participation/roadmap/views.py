"""The public side of the pipeline: the roadmap, each project's page, following a project.
Public pages: no room-wide guard; following needs a sign-in."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..pagecache import cached_for_visitors
from ..projects import services as projects
from ..projects.models import KIND_LABELS, STATUS_LABELS, Project
from ..projects.permissions import can_plan_projects
from ..ratelimits import write_limit
from ..strategy.services import field_choices, municipality_choices, slugs_of
from . import services

bp = Blueprint("roadmap", __name__)


@bp.record_once
def register_globals(state) -> None:
    """The idea page shows an idea's way into projects; ideas sit below the roadmap and
    do not import it, so the roadmap hands the template this function."""
    state.app.jinja_env.globals["idea_path"] = services.idea_path


@bp.app_context_processor
def roadmap_helpers() -> dict:
    return {"places_label": services.places_label}


@bp.get("/roadmap")
@cached_for_visitors
def index():
    fields = field_choices(blank=False)
    places = municipality_choices(blank=False, slugs=True)
    filters = services.RoadmapFilter.from_args(
        request.args, field=slugs_of(fields), municipality=slugs_of(places)
    )
    return render_template(
        "roadmap/index.html",
        roadmap=services.build_roadmap(filters),
        filters=filters,
        fields=fields,
        municipalities=places,
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
    )


@bp.get("/projects/<int:project_id>")
@cached_for_visitors
def project(project_id: int):
    found = projects.load_project(project_id)
    if found is None:
        abort(404)
    return render_template(
        "roadmap/project.html",
        project=found,
        source_ideas=services.public_source_ideas(found),
        following=projects.is_following(current_user, found),
        can_edit=can_plan_projects(current_user),
    )


@bp.post("/projects/<int:project_id>/follow", endpoint="follow", defaults={"add": True})
@bp.post("/projects/<int:project_id>/unfollow", endpoint="unfollow", defaults={"add": False})
@login_required
@write_limit("SUPPORT_RATE_LIMIT")
def change_follow(project_id: int, add: bool):
    found = db.session.get(Project, project_id)
    if found is None:
        abort(404)
    if add:
        projects.follow_project(current_user, found)
        flash("Sie folgen dem Projekt. Neuigkeiten finden Sie unter Benachrichtigungen.", "success")
    else:
        projects.unfollow_project(current_user.id, found.id)
        flash("Sie folgen dem Projekt nicht mehr.", "success")
    return redirect(url_for("roadmap.project", project_id=found.id))
