"""Deleting an account (DSGVO Art. 17): one service, callable without a request.

The person's row stays, emptied, so that what they wrote keeps its author: it reads
"Gelöschtes Konto" and holds an address no mail reaches, no password, no settings,
roles, second factor or sessions. What points at the person goes (follows, inbox
entries, mails to them) or forgets them (supports keep counting, reports stay for the
moderation); their address and names are replaced in mails to others, in the moderation
log and in the events the inbox tells of. Their public ideas and comments stay under
"Gelöschtes Konto" unless they take them along; what the public cannot read (waiting,
rejected, hidden, withdrawn) goes in any case, for nobody is left to revise or answer it,
and so do the events and others' inbox entries about what goes. Staff ratings and notes
stay: they are the district's records.

Everything happens in the caller's transaction; nothing here commits.
"""

import re
from dataclasses import dataclass

from flask import current_app
from markupsafe import escape
from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update

from .. import audit
from ..accounts.models import User, UserKind
from ..accounts.second_factor.services import remove_second_factor
from ..accounts.services import end_all_sessions
from ..audit import AuditEntry, redaction
from ..events import Event
from ..extensions import db
from ..ideas.erasure import erase_contributions
from ..ideas.models import PUBLIC_STATES, Comment, CommentState, Follow, Idea, Support
from ..links import external_url
from ..moderation.models import Report
from ..moderation.services import close_reports_about
from ..notifications.inbox import forget_person as forget_notifications
from ..outbox.models import OutboxMessage
from ..outbox.services import queue_mail
from ..photos.models import IdeaPhoto
from ..photos.services import remove_drafts_of
from ..projects.models import ProjectFollow
from ..rating.models import Assessment
from ..roles import is_last_admin, lock_admins
from ..rules import RuleError
from ..timeutil import utcnow

DELETED_NAME = "Gelöschtes Konto"
EMAIL_REMOVED = "[E-Mail-Adresse entfernt]"
ORGANISATION_REMOVED = "[Organisation entfernt]"
# The .invalid domain is reserved (RFC 2606): no mail can ever go there.
PLACEHOLDER_EMAIL = "geloescht-{id}@konto.invalid"
FINAL_MAIL_SUBJECT = "Ihr Konto ist gelöscht"
COMMENT_ANCHOR = "kommentar-"  # a comment's place on its idea's page, as mails link it
LAST_ADMIN = (
    "Sie sind die letzte Person, die die Plattform verwalten kann. Bitte geben Sie die "
    "Rolle „Administration“ zuerst einer anderen Person; danach können Sie Ihr Konto löschen."
)
# The texts a person wrote themselves, or that others wrote about their own contributions:
# their address and names are replaced there, also in what stays public.
OWN_TEXTS = (
    (Idea.author_id, (Idea.title, Idea.body, Idea.state_reason, Idea.team_answer)),
    (Comment.author_id, (Comment.body, Comment.state_reason)),
    (IdeaPhoto.owner_id, (IdeaPhoto.description,)),
    (Report.reporter_id, (Report.note,)),
    (Assessment.rater_id, (Assessment.note,)),
)


class DeletionRefused(RuleError):
    """This account cannot be deleted now."""


def deletion_refusal(user: User) -> str | None:
    """Why `user` cannot delete their account; None when they can."""
    return LAST_ADMIN if is_last_admin(user) else None


def delete_account(user: User, remove_contributions: bool) -> None:
    """Delete `user`'s account; with `remove_contributions` their public ideas and
    comments leave the site too. Refuses (DeletionRefused) the last admin who can act."""
    lock_admins()  # two admins deleting themselves at once: the second sees the first
    refusal = deletion_refusal(user)
    if refusal:
        raise DeletionRefused(refusal)
    email, replacements = user.email, mentions_of(user)
    address, names = _split_mentions(user, replacements)
    own = _own_contributions(user)
    erased_ideas, erased_comments = _take_contributions(user, remove_contributions)
    _forget_mails_about(erased_ideas, erased_comments)
    _forget_events_about(erased_ideas, erased_comments)
    remove_drafts_of(user)  # photos never sent with an idea; an erased idea's go with it
    _scrub_own_texts(user, replacements)
    _unlink(user)
    _forget_mails(user, address, names, own)
    redaction.replace_mentions(address)
    redaction.replace_mentions(names, where=_log_entries_about(user, own))
    _scrub_events_about(own, replacements)
    _empty_account(user)
    remove_second_factor(user)  # the app's secret and the recovery codes
    end_all_sessions(user)
    audit.record(user, "user.delete", user, after={"contributions_removed": remove_contributions})
    _confirm_by_mail(email, remove_contributions)
    db.session.flush()
    current_app.logger.info("Konto %s gelöscht", user.id)


def mentions_of(user: User) -> dict[str, str]:
    """The person's address and names, each with what replaces it in other texts."""
    mentions = {user.email: EMAIL_REMOVED, user.display_name: DELETED_NAME}
    if user.organisation_name:
        mentions.setdefault(user.organisation_name, ORGANISATION_REMOVED)
    return {text: new for text, new in mentions.items() if len(text.strip()) >= 2}


def _take_contributions(user: User, everything: bool) -> tuple[list[int], list[int]]:
    """Erase what goes; the log's copies of those words go now, not after the period.
    The ids of the ideas and comments erased come back."""
    erased_ideas, erased_comments = erase_contributions(user, everything)
    close_reports_about(erased_ideas, erased_comments)
    hidden_ideas = select(Idea.id).where(
        Idea.author_id == user.id, Idea.state.not_in(PUBLIC_STATES)
    )
    hidden_comments = select(Comment.id).where(
        Comment.author_id == user.id, Comment.state != CommentState.PUBLISHED
    )
    redaction.redact_former_texts_of("ideas", db.session.scalars(hidden_ideas))
    redaction.redact_former_texts_of("comments", db.session.scalars(hidden_comments))
    return erased_ideas, erased_comments


def _scrub_own_texts(user: User, replacements: dict[str, str]) -> None:
    for owner, columns in OWN_TEXTS:
        model = owner.class_
        rows = db.session.scalars(
            select(model).where(owner == user.id, redaction.mentioning(columns, replacements))
        )
        for row in rows:
            _scrub_row(row, columns, replacements)


def _scrub_row(row, columns, replacements: dict[str, str]) -> None:
    for column in columns:
        text = redaction.scrub(getattr(row, column.key), replacements)
        limit = getattr(column.type, "length", None)
        setattr(row, column.key, text[:limit] if text and limit else text)


def _unlink(user: User) -> None:
    """Follows and notifications go; supports and reports stay without the person."""
    forget_notifications(user.id)
    for statement in (
        delete(Follow).where(Follow.user_id == user.id),
        delete(ProjectFollow).where(ProjectFollow.user_id == user.id),
        update(Support).where(Support.user_id == user.id).values(user_id=None),
        update(Report).where(Report.reporter_id == user.id).values(reporter_id=None),
    ):
        db.session.execute(statement, execution_options={"synchronize_session": False})


def _forget_mails(user: User, address: dict, names: dict, own: "OwnContributions") -> None:
    """Mails to the person go (sent or waiting, to any address they had or asked for).
    Mails to others lose the address wherever it stands, and the names where they tell
    of the person's ideas and comments: names are not unique and may be common words."""
    to_them = or_(
        OutboxMessage.user_id == user.id,
        func.lower(OutboxMessage.recipient) == user.email.lower(),
    )
    db.session.execute(
        delete(OutboxMessage).where(to_them), execution_options={"synchronize_session": False}
    )
    columns = (OutboxMessage.subject, OutboxMessage.body, OutboxMessage.html_body)
    mentioning = select(OutboxMessage).where(redaction.mentioning(columns, _as_html(address)))
    for message in db.session.scalars(mentioning):
        _scrub_mail(message, address)
    for message in _mails_linking_to(own.idea_ids, own.comment_ids):
        _scrub_mail(message, names)


def _scrub_mail(message: OutboxMessage, replacements: dict[str, str]) -> None:
    """The text part, and the HTML part where the same words may stand escaped."""
    _scrub_row(message, (OutboxMessage.subject, OutboxMessage.body), replacements)
    message.html_body = redaction.scrub(message.html_body, _as_html(replacements))


def _as_html(replacements: dict[str, str]) -> dict[str, str]:
    """The replacements as they are written, and as they stand escaped in HTML."""
    return replacements | {str(escape(old)): str(escape(new)) for old, new in replacements.items()}


def _forget_mails_about(idea_ids: list[int], comment_ids: list[int]) -> None:
    """Mails to others about an erased idea or comment quote its words: they go, sent or
    waiting (the thing they point to is gone too)."""
    for message in _mails_linking_to(idea_ids, comment_ids):
        db.session.delete(message)


def _mails_linking_to(idea_ids, comment_ids) -> list[OutboxMessage]:
    """Mails about these ideas or comments, known by their link."""
    links = [external_url("ideas.detail", idea_id=idea_id) for idea_id in idea_ids]
    links += [f"#{COMMENT_ANCHOR}{comment_id}" for comment_id in comment_ids]
    if not links:
        return []
    ends = re.compile("|".join(rf"{re.escape(link)}(?!\d)" for link in links))
    candidates = select(OutboxMessage).where(redaction.mentioning([OutboxMessage.body], links))
    return [message for message in db.session.scalars(candidates) if ends.search(message.body)]


def _events_about(idea_ids, comment_ids) -> ColumnElement[bool]:
    return or_(Event.idea_id.in_(idea_ids), Event.comment_id.in_(comment_ids))


def _forget_events_about(idea_ids: list[int], comment_ids: list[int]) -> None:
    """Events about an erased idea or comment keep words about it (a reason, a photo's
    description) for the inbox: they go, and others' inbox entries with them."""
    if idea_ids or comment_ids:
        db.session.execute(
            delete(Event).where(_events_about(idea_ids, comment_ids)),
            execution_options={"synchronize_session": False},
        )


def _scrub_events_about(own: "OwnContributions", replacements: dict[str, str]) -> None:
    """The texts of events about what stays of hers lose her address and names, as the
    log's entries about them do."""
    for event in db.session.scalars(
        select(Event).where(_events_about(own.idea_ids, own.comment_ids))
    ):
        scrubbed = {
            key: redaction.scrub(value, replacements) if isinstance(value, str) else value
            for key, value in event.data.items()
        }
        if scrubbed != event.data:
            event.data = scrubbed


@dataclass(frozen=True)
class OwnContributions:
    idea_ids: list[int]
    comment_ids: list[int]
    report_ids: list[int]


def _own_contributions(user: User) -> OwnContributions:
    """What the person wrote or reported, noted before the links to them are cut."""
    return OwnContributions(
        idea_ids=list(db.session.scalars(select(Idea.id).where(Idea.author_id == user.id))),
        comment_ids=list(
            db.session.scalars(select(Comment.id).where(Comment.author_id == user.id))
        ),
        report_ids=list(db.session.scalars(select(Report.id).where(Report.reporter_id == user.id))),
    )


def _split_mentions(user: User, replacements: dict[str, str]) -> tuple[dict, dict]:
    """(the address, the names): the address is unique and replaced wherever it stands."""
    address = {user.email: replacements[user.email]}
    names = {text: new for text, new in replacements.items() if text != user.email}
    return address, names


def _log_entries_about(user: User, own: OwnContributions):
    """Log entries by the person or about them, their account or their contributions."""
    objects = (
        ("users", [user.id]),
        ("ideas", own.idea_ids),
        ("comments", own.comment_ids),
        ("reports", own.report_ids),
    )
    return or_(
        AuditEntry.actor_id == user.id,
        *[
            and_(AuditEntry.object_type == kind, AuditEntry.object_id.in_(ids))
            for kind, ids in objects
            if ids
        ],
    )


def _empty_account(user: User) -> None:
    user.email = PLACEHOLDER_EMAIL.format(id=user.id)
    user.display_name = DELETED_NAME
    user.password_hash = ""  # matches no password (passwords.verify_password)
    user.kind, user.organisation_name, user.municipality = UserKind.RESIDENT, None, None
    user.last_login_at = None
    user.blocked_at = user.blocked_until = user.blocked_reason = None
    user.roles.clear()
    user.deleted_at = utcnow()


def _confirm_by_mail(email: str, contributions_removed: bool) -> None:
    """The last mail to the old address; its outbox row goes once it is delivered."""
    queue_mail(
        email,
        FINAL_MAIL_SUBJECT,
        "account_deleted",
        forget_after_delivery=True,
        contributions_removed=contributions_removed,
    )
