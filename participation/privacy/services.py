"""Everything stored about one person, as a plain JSON-able dict (DSGVO Art. 15 and 20).

Only the person's own data. Other people appear at most as a role ("Moderation",
"Projektteam"), never with a name or an e-mail address; other people's ideas with
their title only while the public can read it; staff get their own ratings and notes,
never a colleague's. One query per section, however much a person has written.
"""

import re
from collections import defaultdict
from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select

from ..accounts.models import USER_KIND_LABELS, SignInSession, User
from ..accounts.second_factor.services import unused_recovery_codes
from ..audit import AuditEntry
from ..extensions import db
from ..ideas.models import (
    COMMENT_STATE_LABELS,
    PUBLIC_STATES,
    STATE_LABELS,
    Comment,
    Follow,
    Idea,
    Support,
)
from ..links import external_url
from ..moderation.models import REPORT_REASON_LABELS, Report
from ..notifications.inbox import personal_notifications
from ..outbox.models import OutboxMessage
from ..photos.models import IdeaPhoto
from ..projects.models import Project, ProjectFollow
from ..rating.models import Assessment
from ..roles import ROLE_LABELS, Role
from ..strategy.models import FieldOfAction, Municipality
from ..timeutil import utcnow

FORMAT = "zukunft-st-datenexport"
VERSION = 3  # 2: each sign-in (`sign_ins.devices`); 3: `notifications` replaces notify_*
RESOLUTION_LABELS = {
    "hidden": "Beitrag ausgeblendet",
    "restored": "Beitrag bleibt sichtbar",
    "dismissed": "Meldung zurückgewiesen",
    "erased": "Beitrag mit dem Konto seiner Verfasserin oder seines Verfassers entfernt",
}
YOU, SYSTEM = "Sie selbst", "Automatisch (System)"
# The entries of an idea's log that tell its story, and who acts in each: staff are
# named by their role only (their names and addresses are their own data, not yours).
HISTORY_ACTORS = {
    "idea.submit": YOU,
    "idea.resubmit": YOU,
    "idea.withdraw": YOU,
    "idea.publish": ROLE_LABELS[Role.MODERATOR],
    "idea.reject": ROLE_LABELS[Role.MODERATOR],
    "idea.hide": ROLE_LABELS[Role.MODERATOR],
    "idea.restore": ROLE_LABELS[Role.MODERATOR],
    "idea.correct": ROLE_LABELS[Role.MODERATOR],
    "idea.photo_remove": ROLE_LABELS[Role.MODERATOR],
    "idea.adopt": ROLE_LABELS[Role.TEAM],
    "idea.decline": ROLE_LABELS[Role.TEAM],
}
HISTORY_LABELS = {
    "idea.submit": "Eingereicht",
    "idea.resubmit": "Erneut eingereicht",
    "idea.withdraw": "Zurückgezogen",
    "idea.publish": "Freigegeben",
    "idea.reject": "Nicht freigegeben",
    "idea.hide": "Ausgeblendet",
    "idea.restore": "Wieder sichtbar",
    "idea.correct": "Von der Moderation korrigiert",
    "idea.photo_remove": "Foto von der Moderation entfernt",
    "idea.adopt": "In ein Projekt übernommen",
    "idea.decline": "Nicht weiterverfolgt",
}
# Reasons the author was told (by mail or on the idea's page): theirs to keep.
REASONS_FOR_AUTHOR = frozenset(
    {"idea.reject", "idea.hide", "idea.correct", "idea.decline", "idea.photo_remove"}
)
# Confirmation and reset links open the account like a key: a downloaded copy of an
# old mail must not, while such a link may still be valid.
ACCOUNT_LINK = re.compile(r"(/confirm/|/password/reset/)\S+")
NOTES = [
    "Zeitangaben: in der JSON-Datei in koordinierter Weltzeit (UTC) nach ISO 8601, in der "
    "lesbaren Übersicht in deutscher Zeit.",
    "Anmeldungen: Zu jedem Gerät, an dem Sie angemeldet sind oder waren, speichern wir den "
    "Browser (etwa „Firefox auf Android“), den Beginn, die letzte Aktivität und das Ende der "
    "Anmeldung, bis {sign_in_days} Tage nach ihrem Ende. Internetadressen speichern wir nicht.",
    "Benachrichtigungen: Die Plattform hat keinen eigenen Posteingang. Benachrichtigungen "
    "gehen per E-Mail; alle E-Mails an Sie (auch an eine neue Adresse, die Sie noch "
    "bestätigen) stehen im Abschnitt „E-Mails“.",
    "Zwei-Faktor-Anmeldung: Der Export sagt, ob und seit wann sie eingeschaltet ist und wie "
    "viele Wiederherstellungscodes unbenutzt sind. Den geheimen Schlüssel Ihrer App enthält "
    "er nicht: Wer die Datei bekommt, könnte damit Codes erzeugen.",
    "Links zum Bestätigen der E-Mail-Adresse und zum Zurücksetzen des Passworts sind aus "
    "den E-Mails entfernt, weil sie wie ein Schlüssel zu Ihrem Konto wirken.",
    "Mitarbeitende, die über Ihre Beiträge entschieden haben, sind nur mit ihrer Rolle "
    "genannt. Ideen anderer Personen stehen nur mit Titel hier, solange sie öffentlich sind.",
]


def iso(moment: datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with "Z"."""
    if moment is None:
        return None
    return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def collect_personal_data(user: User) -> dict:
    """Everything stored about `user`, section by section, with stable keys."""
    return {
        "export": {"format": FORMAT, "version": VERSION, "created_at": iso(utcnow())},
        "notes": [note.format(**_periods()) for note in NOTES],
        "profile": _profile(user),
        "organisation": _organisation(user),
        "sign_ins": _sign_ins(user),
        "roles": _roles(user),
        "ideas": _ideas(user),
        "photos": _photos(user),
        "comments": _comments(user),
        "supports": _supports(user),
        "follows": {"ideas": _idea_follows(user), "projects": _project_follows(user)},
        "reports": _reports(user),
        "mails": _mails(user),
        "notifications": _notifications(user),
        "assessments": _assessments(user),
    }


def _periods() -> dict[str, int]:
    return {"sign_in_days": current_app.config["RETENTION_SIGN_IN_DAYS"]}


def _profile(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "municipality": user.municipality.name if user.municipality else None,
        "created_at": iso(user.created_at),
        "blocked": _block(user),
    }


def _notifications(user: User) -> dict:
    found = personal_notifications(user.id)
    times = ("created_at", "read_at", "mailed_at")
    entries = [entry | {key: iso(entry[key]) for key in times} for entry in found["entries"]]
    return {"channels": found["channels"], "entries": entries}


def _block(user: User) -> dict | None:
    if user.blocked_at is None:
        return None
    return {
        "blocked_at": iso(user.blocked_at),
        "blocked_until": iso(user.blocked_until),
        "reason": user.blocked_reason,
    }


def _organisation(user: User) -> dict:
    return {
        "kind": user.kind,
        "kind_label": USER_KIND_LABELS.get(user.kind, user.kind),
        "name": user.organisation_name,
    }


def _sign_ins(user: User) -> dict:
    return {
        "registered_at": iso(user.created_at),
        "confirmed_at": iso(user.confirmed_at),
        "last_login_at": iso(user.last_login_at),
        "devices": _devices(user),
        "second_factor": _second_factor(user),
    }


def _second_factor(user: User) -> dict:
    """Whether it is on; the app's secret stays out of the file, which may be copied
    around: whoever holds it could make codes."""
    return {
        "active_since": iso(user.second_factor_at),
        "unused_recovery_codes": unused_recovery_codes(user) if user.has_second_factor else 0,
    }


def _devices(user: User) -> list[dict]:
    """Each sign-in still on record: on which browser, from when to when."""
    now = utcnow()
    rows = db.session.scalars(
        select(SignInSession)
        .where(SignInSession.user_id == user.id)
        .order_by(SignInSession.created_at, SignInSession.id)
    )
    return [
        {
            "browser": sign_in.browser,
            "signed_in_at": iso(sign_in.created_at),
            "last_seen_at": iso(sign_in.last_seen_at),
            "remember": sign_in.remember,
            "active": sign_in.active_at(now),
            # An ended session's expires_at is when it ended (`SignInSession.end`).
            "ended_at": None if sign_in.active_at(now) else iso(sign_in.expires_at),
        }
        for sign_in in rows
    ]


def _roles(user: User) -> list[dict]:
    return [
        {
            "role": assignment.role,
            "role_label": ROLE_LABELS.get(assignment.role, assignment.role),
            "municipality": assignment.municipality.name if assignment.municipality else None,
            "since": iso(assignment.created_at),
        }
        for assignment in sorted(user.roles, key=lambda a: (a.created_at, a.id))
    ]


def _title_for(user: User, idea: Idea) -> str | None:
    """An idea's title as this person may read it: their own, or one the public reads."""
    return idea.title if idea.author_id == user.id or idea.state in PUBLIC_STATES else None


def _ideas(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Idea, FieldOfAction.name, Municipality.name)
        .join(FieldOfAction, FieldOfAction.id == Idea.field_id)
        .join(Municipality, Municipality.id == Idea.municipality_id)
        .where(Idea.author_id == user.id)
        .order_by(Idea.created_at, Idea.id)
    ).all()
    histories = _histories(user, [idea.id for idea, _, _ in rows])
    return [_idea(idea, field, place, histories[idea.id]) for idea, field, place in rows]


def _idea(idea: Idea, field: str, municipality: str, history: list[dict]) -> dict:
    return {
        "id": idea.id,
        "title": idea.title,
        "body": idea.body,
        "field": field,
        "municipality": municipality,
        "place": idea.place,
        "latitude": idea.latitude,
        "longitude": idea.longitude,
        "state": idea.state,
        "state_label": STATE_LABELS.get(idea.state, idea.state),
        "reason": idea.state_reason,
        "reason_category": idea.reason_category,
        "team_answer": idea.team_answer,
        "support_count": idea.support_count,
        "comment_count": idea.comment_count,
        "created_at": iso(idea.created_at),
        "updated_at": iso(idea.updated_at),
        "published_at": iso(idea.published_at),
        "state_changed_at": iso(idea.state_changed_at),
        "history": history,
    }


def _histories(user: User, idea_ids: list[int]) -> dict[int, list[dict]]:
    """The state changes and decisions of the person's ideas, oldest first, by idea."""
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.object_type == Idea.__tablename__,
            AuditEntry.object_id.in_(idea_ids),
            AuditEntry.action.in_(HISTORY_ACTORS),
        )
        .order_by(AuditEntry.created_at, AuditEntry.id)
    )
    histories: dict[int, list[dict]] = defaultdict(list)
    for entry in entries:
        histories[entry.object_id].append(_history_entry(user, entry))
    return histories


def _history_entry(user: User, entry: AuditEntry) -> dict:
    return {
        "at": iso(entry.created_at),
        "action": entry.action,
        "label": HISTORY_LABELS[entry.action],
        "by": _actor_word(user, entry),
        "state_before": _state(entry.before),
        "state_after": _state(entry.after),
        "reason": entry.reason if entry.action in REASONS_FOR_AUTHOR else None,
    }


def _actor_word(user: User, entry: AuditEntry) -> str:
    if entry.actor_id == user.id:
        return YOU
    return SYSTEM if entry.actor_id is None else HISTORY_ACTORS[entry.action]


def _state(summary: str | None) -> str | None:
    """A state from a log entry's before/after (corrections store content there instead)."""
    return summary if summary in STATE_LABELS else None


def _photo_links(photo: IdeaPhoto) -> dict[str, str]:
    """Each stored size by its width; the files hold no metadata (participation/photos)."""
    if photo.idea_id is None:
        return {
            str(width): external_url("photos.draft_photo", key=photo.key, width=width)
            for width in photo.sizes
        }
    return {
        str(width): external_url(
            "photos.idea_photo", idea_id=photo.idea_id, key=photo.key, width=width
        )
        for width in photo.sizes
    }


def _photos(user: User) -> list[dict]:
    """The photos the person sent: with their ideas, and drafts never submitted."""
    rows = db.session.scalars(
        select(IdeaPhoto)
        .where(IdeaPhoto.owner_id == user.id)
        .order_by(IdeaPhoto.created_at, IdeaPhoto.id)
    )
    return [
        {
            "idea_id": photo.idea_id,
            "draft": photo.idea_id is None,
            "description": photo.description,
            "position": photo.position + 1,
            "width": photo.width,
            "height": photo.height,
            "created_at": iso(photo.created_at),
            "links": _photo_links(photo),
        }
        for photo in rows
    ]


def _comments(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Comment, Idea)
        .join(Idea, Idea.id == Comment.idea_id)
        .where(Comment.author_id == user.id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    return [
        {
            "id": comment.id,
            "idea_id": idea.id,
            "idea_title": _title_for(user, idea),
            "reply_to": comment.parent_id,
            "body": comment.body,
            "state": comment.state,
            "state_label": COMMENT_STATE_LABELS.get(comment.state, comment.state),
            "reason": comment.state_reason,
            "created_at": iso(comment.created_at),
            "edited_at": iso(comment.edited_at),
        }
        for comment, idea in rows
    ]


def _on_ideas(user: User, model) -> list[dict]:
    """Supports or follows: which idea, since when."""
    rows = db.session.execute(
        select(model.created_at, Idea)
        .join(Idea, Idea.id == model.idea_id)
        .where(model.user_id == user.id)
        .order_by(model.created_at, model.id)
    ).all()
    return [
        {"idea_id": idea.id, "idea_title": _title_for(user, idea), "since": iso(since)}
        for since, idea in rows
    ]


def _supports(user: User) -> list[dict]:
    return _on_ideas(user, Support)


def _idea_follows(user: User) -> list[dict]:
    return _on_ideas(user, Follow)


def _project_follows(user: User) -> list[dict]:
    rows = db.session.execute(
        select(ProjectFollow.created_at, Project.id, Project.title)
        .join(Project, Project.id == ProjectFollow.project_id)
        .where(ProjectFollow.user_id == user.id)
        .order_by(ProjectFollow.created_at, ProjectFollow.id)
    ).all()
    return [
        {"project_id": project_id, "project_title": title, "since": iso(since)}
        for since, project_id, title in rows
    ]


def _reports(user: User) -> list[dict]:
    """The reports the person made: what, why and how it ended, never who decided."""
    idea_id = func.coalesce(Report.idea_id, Comment.idea_id)
    rows = db.session.execute(
        select(Report, Idea)
        .outerjoin(Comment, Comment.id == Report.comment_id)
        .join(Idea, Idea.id == idea_id)
        .where(Report.reporter_id == user.id)
        .order_by(Report.created_at, Report.id)
    ).all()
    return [_report(user, report, idea) for report, idea in rows]


def _report(user: User, report: Report, idea: Idea) -> dict:
    return {
        "id": report.id,
        "target": "comment" if report.comment_id else "idea",
        "idea_id": idea.id,
        "idea_title": _title_for(user, idea),
        "comment_id": report.comment_id,
        "reason": report.reason,
        "reason_label": REPORT_REASON_LABELS.get(report.reason, report.reason),
        "note": report.note,
        "created_at": iso(report.created_at),
        "resolved_at": iso(report.resolved_at),
        "resolution": RESOLUTION_LABELS.get(report.resolution, report.resolution),
    }


def _mails(user: User) -> list[dict]:
    """Mails to the person's address, and those written for them to another one (a new
    address being confirmed, an earlier one)."""
    addresses = {user.email, user.email.lower()}  # as queued; plain matches use the index
    to_them = [OutboxMessage.recipient == address for address in addresses]
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(or_(*to_them, OutboxMessage.user_id == user.id))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [
        {
            "subject": message.subject,
            "created_at": iso(message.created_at),
            "sent_at": iso(message.sent_at),
            "body": ACCOUNT_LINK.sub(r"\1[Link entfernt]", message.body),
        }
        for message in rows
    ]


def _assessments(user: User) -> list[dict]:
    """Staff's own ratings and internal notes (never a colleague's)."""
    rows = db.session.execute(
        select(Assessment, Idea.title)
        .join(Idea, Idea.id == Assessment.idea_id)
        .where(Assessment.rater_id == user.id)
        .order_by(Assessment.created_at, Assessment.id)
    ).all()
    return [
        {
            "idea_id": assessment.idea_id,
            "idea_title": title,
            "relevance": assessment.relevance,
            "feasibility": assessment.feasibility,
            "note": assessment.note,
            "created_at": iso(assessment.created_at),
            "updated_at": iso(assessment.updated_at),
        }
        for assessment, title in rows
    ]
