"""Mails about the pipeline's answers: taken into a project, not pursued, project news.

Everyone who cared about an idea hears of it: its author, its supporters and its
followers (and a project's followers), once each, unless they switched these mails off.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, union

from ..accounts.models import User
from ..extensions import db
from ..ideas.models import Follow, Idea, Support
from ..links import external_url
from ..notifications.services import queue_mail
from .models import ProjectFollow, ProjectIdea


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="stop-project-mails")


def stop_token(user_id: int) -> str:
    return _serializer().dumps(user_id)


def read_stop_token(token: str) -> int | None:
    try:
        return int(_serializer().loads(token))
    except (BadSignature, ValueError, TypeError):
        return None


def _recipients(user_ids, exclude: int | None) -> list[User]:
    query = select(User).where(
        User.id.in_(user_ids),
        User.notify_state_changes.is_(True),
        User.deleted_at.is_(None),
    )
    if exclude is not None:
        query = query.where(User.id != exclude)
    return list(db.session.scalars(query.order_by(User.id)))


def _idea_audience(idea_ids):
    return union(
        select(Idea.author_id).where(Idea.id.in_(idea_ids)),
        select(Support.user_id).where(Support.idea_id.in_(idea_ids)),
        select(Follow.user_id).where(Follow.idea_id.in_(idea_ids)),
    )


def _send(users, subject: str, template: str, **context) -> int:
    for user in users:
        queue_mail(
            user.email,
            subject,
            template,
            user=user,
            unsubscribe_url=external_url("roadmap.stop_mails", token=stop_token(user.id)),
            settings_url=external_url("accounts.edit_profile"),
            **context,
        )
    return len(users)


def idea_taken(idea: Idea, project, actor) -> int:
    users = _recipients(_idea_audience([idea.id]), actor.id if actor else None)
    return _send(
        users,
        f"Ihre Idee fließt in ein Projekt ein: {idea.title[:80]}",
        "idea_taken",
        idea=idea,
        project=project,
        idea_url=external_url("ideas.detail", idea_id=idea.id),
        project_url=external_url("roadmap.project", project_id=project.id),
    )


def idea_declined(idea: Idea, actor) -> int:
    users = _recipients(_idea_audience([idea.id]), actor.id if actor else None)
    return _send(
        users,
        f"Antwort des Projektteams zu: {idea.title[:80]}",
        "idea_declined",
        idea=idea,
        idea_url=external_url("ideas.detail", idea_id=idea.id),
    )


def project_updated(project, update, actor) -> int:
    """Followers of the project and of the ideas it came from."""
    source_ideas = select(ProjectIdea.idea_id).where(ProjectIdea.project_id == project.id)
    audience = union(
        select(ProjectFollow.user_id).where(ProjectFollow.project_id == project.id),
        select(Follow.user_id).where(Follow.idea_id.in_(source_ideas)),
    )
    users = _recipients(audience, actor.id if actor else None)
    return _send(
        users,
        f"Neues aus dem Projekt: {project.title[:80]}",
        "project_update",
        project=project,
        update=update,
        project_url=external_url("roadmap.project", project_id=project.id),
    )
