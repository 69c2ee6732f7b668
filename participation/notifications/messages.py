"""What a notification says: one sentence, what was written, where it leads.

The same message is shown in the inbox, sent as a mail of its own and listed in a
summary, so all three say the same thing. Subjects are loaded for a whole page of
notifications at once.
"""

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import select

from ..accounts.models import User
from ..events import Event
from ..extensions import db
from ..ideas.models import Comment, Idea
from ..links import external_url
from ..projects.models import Project, ProjectUpdate

IDEA_DECISIONS = {
    "publish": ("Ihre Idee ist freigegeben", "Ihre Idee „{idea}“ ist freigegeben."),
    "reject": (
        "Ihre Idee wurde nicht freigegeben",
        "Ihre Idee „{idea}“ wurde von der Moderation nicht freigegeben.",
    ),
    "hide": ("Ihr Beitrag wurde ausgeblendet", "Ihre Idee „{idea}“ wurde ausgeblendet."),
    "restore": ("Ihr Beitrag ist wieder sichtbar", "Ihre Idee „{idea}“ ist wieder sichtbar."),
    "decline": (
        "Antwort des Projektteams zu Ihrer Idee",
        "Das Projektteam wird Ihre Idee „{idea}“ nicht weiterverfolgen.",
    ),
}
FOLLOWED_STATES = {
    "hide": "Die Idee „{idea}“ wurde von der Moderation ausgeblendet.",
    "restore": "Die Idee „{idea}“ ist wieder sichtbar.",
    "withdraw": "Die Idee „{idea}“ wurde von ihrer Autorin oder ihrem Autor zurückgezogen.",
    "decline": "Das Projektteam wird die Idee „{idea}“ nicht weiterverfolgen.",
}
COMMENT_DECISIONS = {
    "approve": (
        "Ihr Kommentar ist freigegeben",
        "Ihr Kommentar zur Idee „{idea}“ ist freigegeben und für alle sichtbar.",
    ),
    "reject": (
        "Ihr Kommentar wurde nicht freigegeben",
        "Ihr Kommentar zur Idee „{idea}“ wurde von der Moderation nicht freigegeben.",
    ),
    "hide": (
        "Ihr Beitrag wurde ausgeblendet",
        "Ihr Kommentar zur Idee „{idea}“ wurde ausgeblendet.",
    ),
    "restore": (
        "Ihr Beitrag ist wieder sichtbar",
        "Ihr Kommentar zur Idee „{idea}“ ist wieder sichtbar.",
    ),
}
APPEAL = (
    "Wenn Sie die Entscheidung für falsch halten, antworten Sie auf diese E-Mail. "
    "Die Moderation prüft sie dann noch einmal."
)


@dataclass
class Message:
    subject: str
    headline: str
    endpoint: str
    values: dict
    link_label: str
    anchor: str = ""
    quote: str | None = None  # Markdown: a comment, a reason, a project update
    quote_label: str | None = None
    hint: str | None = None
    extra_links: list[tuple[str, str, dict]] = field(default_factory=list)
    group: tuple[str, int, str] | None = None  # ("idea" | "project", id, title)

    @property
    def path(self) -> str:
        return url_for(self.endpoint, **self.values) + self.anchor

    @property
    def url(self) -> str:
        return external_url(self.endpoint, **self.values) + self.anchor

    def extra_urls(self) -> list[tuple[str, str]]:
        return [(label, external_url(end, **values)) for label, end, values in self.extra_links]


class Subjects:
    """The ideas, comments, projects, updates and actors of some events, loaded once."""

    def __init__(self, events: list[Event]):
        self.ideas = _by_id(Idea, {e.idea_id for e in events})
        self.comments = _by_id(Comment, {e.comment_id for e in events})
        self.projects = _by_id(Project, {e.project_id for e in events})
        self.updates = _by_id(ProjectUpdate, {e.update_id for e in events})
        self.actors = _by_id(User, {e.actor_id for e in events})

    def actor_name(self, event: Event) -> str:
        actor = self.actors.get(event.actor_id)
        return actor.display_name if actor is not None else "Jemand"


def _by_id(model, ids) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def message_for(event: Event, reason: str, subjects: Subjects) -> Message:
    idea = subjects.ideas.get(event.idea_id)
    builder = BUILDERS[event.kind]
    message = builder(event, reason, subjects, idea)
    if message.group is None and idea is not None:
        message.group = ("idea", idea.id, idea.title)
    return message


def _idea_link(idea: Idea, **kwargs) -> dict:
    return {"endpoint": "ideas.detail", "values": {"idea_id": idea.id}, **kwargs}


def _idea_state(event, reason, subjects, idea) -> Message:
    action = event.data.get("action")
    title = idea.title
    reason_text = event.data.get("reason")
    if reason == "author" and action in IDEA_DECISIONS:
        subject, headline = IDEA_DECISIONS[action]
        message = Message(
            subject=f"{subject}: {title[:80]}",
            headline=headline.format(idea=title),
            link_label="Zur Idee",
            quote=reason_text,
            quote_label="Begründung",
            **_idea_link(idea),
        )
        if action == "publish":
            message.hint = (
                "Alle können sie jetzt lesen, unterstützen und kommentieren. "
                "Teilen Sie den Link gern mit anderen."
            )
        elif action == "reject":
            message.hint = (
                "Was Sie tun können: Überarbeiten Sie Ihre Idee und reichen Sie sie erneut ein. "
                "Sie kommt dann wieder zur Prüfung, zusammen mit ihrem bisherigen Verlauf."
            )
            message.extra_links.append(("Idee überarbeiten", "ideas.revise", {"idea_id": idea.id}))
        elif action == "hide":
            message.hint = APPEAL
        elif action == "decline":
            message.hint = "Die Idee bleibt mit allen Kommentaren öffentlich sichtbar."
        return message
    return Message(
        subject=f"Neuer Stand zu einer Idee, der Sie folgen: {title[:80]}",
        headline=FOLLOWED_STATES.get(action, "Die Idee „{idea}“ hat einen neuen Stand.").format(
            idea=title
        ),
        link_label="Zur Idee",
        # The team's answer is public; a moderator's reason for hiding is for the author.
        quote=reason_text if action == "decline" else None,
        quote_label="Begründung",
        **_idea_link(idea),
    )


def _idea_taken(event, reason, subjects, idea) -> Message:
    project = subjects.projects.get(event.project_id)
    whose = "Ihre Idee" if reason == "author" else "die Idee"
    return Message(
        subject=f"Eine Idee fließt in ein Projekt ein: {idea.title[:80]}",
        headline=(
            f"Gute Nachricht: Das Projektteam hat {whose} „{idea.title}“ in das Projekt "
            f"„{project.title}“ übernommen."
        ),
        endpoint="roadmap.project",
        values={"project_id": project.id},
        link_label="Zum Projekt",
        hint="Auf der Projektseite sehen Sie den Plan, die Meilensteine und jede Neuigkeit.",
        extra_links=[("Zur Idee", "ideas.detail", {"idea_id": idea.id})],
    )


def _corrected(event, reason, subjects, idea) -> Message:
    comment = subjects.comments.get(event.comment_id)
    what, link_label, link = (
        (f"Ihren Kommentar zur Idee „{idea.title}“", "Zur Diskussion", _comment_link(idea, comment))
        if comment is not None
        else (f"Ihre Idee „{idea.title}“", "Zur Idee", _idea_link(idea))
    )
    return Message(
        subject=f"Die Moderation hat Ihren Beitrag korrigiert: {idea.title[:80]}",
        headline=f"Die Moderation hat {what} korrigiert.",
        quote=event.data.get("reason"),
        quote_label="Was geändert wurde",
        link_label=link_label,
        **link,
    )


def _photo_removed(event, reason, subjects, idea) -> Message:
    photo = event.data.get("photo", "")
    return Message(
        subject=f"Die Moderation hat ein Foto Ihrer Idee entfernt: {idea.title[:80]}",
        headline=f"Die Moderation hat ein Foto Ihrer Idee „{idea.title}“ entfernt: „{photo}“.",
        quote=event.data.get("reason"),
        quote_label="Begründung",
        hint="Ihre Idee und ihre anderen Fotos bleiben, wie sie sind. " + APPEAL,
        link_label="Zur Idee",
        **_idea_link(idea),
    )


def _comment_link(idea: Idea, comment: Comment) -> dict:
    return _idea_link(idea, anchor=f"#kommentar-{comment.id}")


def _comment_published(event, reason, subjects, idea) -> Message:
    comment = subjects.comments.get(event.comment_id)
    author = subjects.actors.get(comment.author_id) or db.session.get(User, comment.author_id)
    name = author.display_name if author is not None else "Jemand"
    if reason == "answered":
        subject = f"Antwort auf Ihren Kommentar: {idea.title[:80]}"
        headline = f"{name} hat auf Ihren Kommentar zur Idee „{idea.title}“ geantwortet."
    elif reason == "author":
        subject = f"Neuer Kommentar zu Ihrer Idee: {idea.title[:80]}"
        headline = f"{name} hat Ihre Idee „{idea.title}“ kommentiert."
    else:
        subject = f"Neuer Kommentar zu: {idea.title[:80]}"
        headline = f"{name} hat die Idee „{idea.title}“ kommentiert."
    return Message(
        subject=subject,
        headline=headline,
        quote=comment.body if comment.is_visible else None,
        link_label="Zur Diskussion",
        **_comment_link(idea, comment),
    )


def _comment_state(event, reason, subjects, idea) -> Message:
    comment = subjects.comments.get(event.comment_id)
    action = event.data.get("action")
    if reason != "comment_author" or action not in COMMENT_DECISIONS:
        return _comment_published(event, reason, subjects, idea)
    subject, headline = COMMENT_DECISIONS[action]
    return Message(
        subject=f"{subject}: {idea.title[:80]}",
        headline=headline.format(idea=idea.title),
        quote=event.data.get("reason"),
        quote_label="Begründung",
        hint=APPEAL if action in ("reject", "hide") else None,
        link_label="Zur Diskussion",
        **_comment_link(idea, comment),
    )


def _project_updated(event, reason, subjects, idea) -> Message:
    project = subjects.projects.get(event.project_id)
    update = subjects.updates.get(event.update_id)
    return Message(
        subject=f"Neues aus dem Projekt: {project.title[:80]}",
        headline=f"Neues aus dem Projekt „{project.title}“: {update.title}",
        quote=update.body,
        hint=f"Stand: {project.status_label}, {project.progress} % umgesetzt.",
        endpoint="roadmap.project",
        values={"project_id": project.id},
        link_label="Zum Projekt",
        group=("project", project.id, project.title),
    )


BUILDERS = {
    "idea.state": _idea_state,
    "idea.taken": _idea_taken,
    "idea.corrected": _corrected,
    "idea.photo_removed": _photo_removed,
    "comment.published": _comment_published,
    "comment.state": _comment_state,
    "comment.corrected": _corrected,
    "project.updated": _project_updated,
}
