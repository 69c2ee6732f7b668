"""E-mails to the people who follow an idea, each with a one-click unsubscribe link."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..links import external_url
from ..notifications.services import queue_mail
from .models import Follow

STATE_LABELS = {
    "pending": "wartet auf Prüfung",
    "published": "veröffentlicht",
    "rejected": "abgelehnt",
    "hidden": "ausgeblendet",
    "withdrawn": "zurückgezogen",
    "adopted": "in ein Projekt übernommen",
    "declined": "nicht weiterverfolgt",
}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unfollow-idea")


def unfollow_token(user_id: int, idea_id: int) -> str:
    return _serializer().dumps([user_id, idea_id])


def read_unfollow_token(token: str) -> tuple[int, int] | None:
    try:
        user_id, idea_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(user_id), int(idea_id)


def _followers(idea_id: int, preference, exclude: set[int]) -> list[User]:
    query = (
        select(User)
        .join(Follow, Follow.user_id == User.id)
        .where(Follow.idea_id == idea_id, preference.is_(True), User.deleted_at.is_(None))
    )
    if exclude:
        query = query.where(User.id.not_in(exclude))
    return list(db.session.scalars(query))


def _mail_followers(idea, preference, exclude: set[int], subject: str, template: str, **context):
    idea_url = external_url("ideas.detail", idea_id=idea.id)
    for user in _followers(idea.id, preference, exclude):
        queue_mail(
            user.email,
            subject,
            template,
            user=user,
            idea=idea,
            idea_url=idea_url,
            unsubscribe_url=external_url(
                "ideas.unfollow_by_mail", token=unfollow_token(user.id, idea.id)
            ),
            settings_url=external_url("accounts.edit_profile"),
            **context,
        )


def state_changed(idea, before: str, actor, author_told: bool = False) -> None:
    """Followers hear of the new state; not the actor, nor an author who got a decision mail."""
    exclude = {actor.id} if actor is not None else set()
    if author_told:
        exclude.add(idea.author_id)
    _mail_followers(
        idea,
        User.notify_state_changes,
        exclude,
        f"Neuer Stand zu Ihrer verfolgten Idee: {idea.title[:80]}",
        "idea_state_changed",
        state_label=STATE_LABELS.get(idea.state, idea.state),
    )


def new_comment(idea, comment, author) -> None:
    _mail_followers(
        idea,
        User.notify_comments,
        {author.id},
        f"Neuer Kommentar zu: {idea.title[:80]}",
        "idea_new_comment",
        comment=comment,
        commenter=author,
    )
