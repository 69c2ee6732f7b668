"""Accounts and roles as the administration manages them: find, grant, revoke, remind.

Every change is checked here (only admins act; the last admin who can act keeps the
role), written to the audit log and only flushed; the request commits.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..accounts.models import User
from ..accounts.second_factor.services import remove_second_factor
from ..accounts.services import end_all_sessions, send_confirmation
from ..extensions import db
from ..links import external_url
from ..outbox.services import queue_mail
from ..pagination import Page
from ..query_filters import QueryFilter, page, text
from ..roles import ROLE_LABELS, Role, RoleAssignment, is_admin, is_last_admin, lock_admins
from ..rules import RuleError
from ..strategy.models import Municipality

PER_PAGE = 25


class AdminError(RuleError):
    """A rule about managing accounts and roles was broken."""


@dataclass
class AccountFilter(QueryFilter):
    q: str = text(max_length=100, default="")
    page: int = page()


def search_accounts(filters: AccountFilter) -> Page:
    """Accounts whose e-mail address or display name contains the search, newest first."""
    query = select(User)
    if filters.q:
        needle = filters.q.lower()
        query = query.where(
            or_(
                func.lower(User.email).contains(needle, autoescape=True),
                func.lower(User.display_name).contains(needle, autoescape=True),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.options(selectinload(User.roles))
        .order_by(User.created_at.desc(), User.id.desc())
        .limit(PER_PAGE)
        .offset((filters.page - 1) * PER_PAGE)
    )
    return Page(list(rows), total, filters.page, PER_PAGE)


def role_summary(user: User) -> str:
    """A person's roles in words: "Moderation (Rheine, Greven), Projektteam"."""
    parts = []
    for role, label in ROLE_LABELS.items():
        held = [a for a in user.roles if a.role == role]
        towns = sorted(a.municipality.name for a in held if a.municipality is not None)
        if held:
            parts.append(f"{label} ({', '.join(towns)})" if len(towns) == len(held) else label)
    return ", ".join(parts)


def _require_admin(actor) -> None:
    if not is_admin(actor):
        raise AdminError("Rollen vergeben und entziehen darf nur die Administration.")


def _summary(role: str, municipality: Municipality | None) -> dict:
    return {"role": role, "municipality": municipality.slug if municipality else None}


def _municipality_for(role: str, municipality_id: int | None) -> Municipality | None:
    """The town a new assignment is limited to, after checking the role may be limited."""
    if role not in set(Role):
        raise AdminError("Bitte wählen Sie eine Rolle aus der Liste.", "role")
    if municipality_id is None:
        return None
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None or role != Role.MODERATOR:
        raise AdminError("Nur die Moderation gilt für einzelne Kommunen.", "municipality_ids")
    if municipality.is_district_wide:
        raise AdminError("Für den ganzen Kreis lassen Sie die Kommunen leer.", "municipality_ids")
    return municipality


def grant_role(actor, user: User, role: str, municipality_id: int | None = None) -> bool:
    """Give `user` the role (a moderator optionally for one town); False when they had it."""
    _require_admin(actor)
    if user.deleted_at is not None:
        raise AdminError("Gelöschte Konten bekommen keine Rollen.", "role")
    municipality = _municipality_for(role, municipality_id)
    if any(a.role == role and a.municipality_id == municipality_id for a in user.roles):
        return False
    user.roles.append(RoleAssignment(role=role, municipality_id=municipality_id))
    audit.record(actor, "role.grant", user, after=_summary(role, municipality))
    db.session.flush()
    current_app.logger.info("Rolle %s an Konto %s vergeben durch %s", role, user.id, actor.id)
    return True


def grant_roles(actor, user: User, role: str, municipality_ids: list[int]) -> int:
    """`grant_role` once per town (or once for the whole district): how many were new.
    All towns are checked before anything changes."""
    for municipality_id in municipality_ids:
        _municipality_for(role, municipality_id)
    return sum(grant_role(actor, user, role, m) for m in municipality_ids or [None])


def revoke_role(actor, assignment: RoleAssignment) -> None:
    """Take a role away; the person's sessions end, so the role stops working at once."""
    _require_admin(actor)
    user = assignment.user
    if assignment.role == Role.ADMIN and not _other_admin_roles(assignment):
        lock_admins()  # the count of admins who can act is read after the lock
        if is_last_admin(user):
            raise AdminError(
                "Dies ist das letzte handlungsfähige Administrationskonto; "
                "die Rolle Administration bleibt."
            )
    before = _summary(assignment.role, assignment.municipality)
    user.roles.remove(assignment)
    end_all_sessions(user)
    audit.record(actor, "role.revoke", user, before=before)
    current_app.logger.info("Rolle %s von Konto %s entzogen durch %s", before, user.id, actor.id)


def _other_admin_roles(assignment: RoleAssignment) -> list[RoleAssignment]:
    return [a for a in assignment.user.roles if a.role == Role.ADMIN and a is not assignment]


def resend_confirmation(actor, user: User) -> None:
    """Send a new confirmation link to an account that has not confirmed its address."""
    _require_admin(actor)
    if user.is_confirmed or user.deleted_at is not None:
        raise AdminError("Dieses Konto braucht keine Bestätigung mehr.")
    send_confirmation(user)
    audit.record(actor, "user.resend_confirmation", user)
    db.session.flush()


def reset_second_factor(actor, user: User) -> None:
    """Take away a person's second factor (a lost phone, no recovery codes left): the
    secret and the recovery codes are gone, so the person signs in with the password
    alone until they set it up again, which a role asks for at its next page. The
    person gets a mail, so a reset they did not ask for does not go unnoticed."""
    if not is_admin(actor):
        raise AdminError("Den zweiten Faktor zurücksetzen darf nur die Administration.")
    if not user.has_second_factor:
        raise AdminError("Diese Person hat keine Zwei-Faktor-Anmeldung eingerichtet.")
    before = {"second_factor_at": user.second_factor_at}
    remove_second_factor(user)
    end_all_sessions(user)  # whoever holds them proved a factor that no longer counts
    audit.record(actor, "user.second_factor_reset", user, before=before)
    queue_mail(
        user.email,
        "Ihre Zwei-Faktor-Anmeldung wurde zurückgesetzt",
        "second_factor_reset",
        user=user,
        setup_url=external_url("second_factor.setup"),
    )
    current_app.logger.info("Zweiter Faktor von Konto %s zurückgesetzt durch %s", user.id, actor.id)
