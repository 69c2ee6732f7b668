"""The public side of the pipeline: the roadmap and each project's page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.models import User
from ..extensions import db
from ..ideas.choices import field_choices, municipality_choices
from ..ratelimits import write_limit
from . import notify, projects, roadmap
from .models import KIND_LABELS, STATUS_LABELS
from .permissions import can_plan_projects

bp = Blueprint("roadmap", __name__)


@bp.app_context_processor
def roadmap_helpers() -> dict:
    return {"places_label": roadmap.places_label}


@bp.get("/roadmap")
def index():
    fields = field_choices(blank=False)
    places = municipality_choices(blank=False, slugs=True)
    filters = roadmap.RoadmapFilter.from_args(request.args, fields, places)
    return render_template(
        "roadmap/index.html",
        roadmap=roadmap.build_roadmap(filters),
        filters=filters,
        fields=fields,
        municipalities=places,
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
    )


@bp.get("/projects/<int:project_id>")
def project(project_id: int):
    found = projects.load_project(project_id)
    if found is None:
        abort(404)
    return render_template(
        "roadmap/project.html",
        project=found,
        source_ideas=roadmap.public_source_ideas(found),
        following=projects.is_following(current_user, found),
        can_edit=can_plan_projects(current_user),
    )


@bp.post("/projects/<int:project_id>/follow", endpoint="follow", defaults={"add": True})
@bp.post("/projects/<int:project_id>/unfollow", endpoint="unfollow", defaults={"add": False})
@login_required
@write_limit("SUPPORT_RATE_LIMIT")
def change_follow(project_id: int, add: bool):
    found = db.session.get(projects.Project, project_id)
    if found is None:
        abort(404)
    if add:
        projects.follow_project(current_user, found)
        flash("Sie folgen dem Projekt und erhalten eine E-Mail bei Neuigkeiten.", "success")
    else:
        projects.unfollow_project(current_user.id, found.id)
        flash("Sie folgen dem Projekt nicht mehr.", "success")
    return redirect(url_for("roadmap.project", project_id=found.id))


@bp.route("/mitteilungen/abbestellen/<token>", methods=["GET", "POST"])
@write_limit("SUPPORT_RATE_LIMIT")
def stop_mails(token: str):
    """The link in a mail asks first: mail scanners open links, only people press buttons."""
    user_id = notify.read_stop_token(token)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None:
        abort(404)
    if request.method == "POST":
        user.notify_state_changes = False
    return render_template("roadmap/mails_stopped.html", stopped=request.method == "POST")
