"""Roles, scopes and blocks: who may act, where, and over whom. The one place for these rules.

Every feature's `permissions` module asks here. A municipal moderator's scope exists
once, in `moderation_scope`; `in_scope` (a predicate on one object) and `scope_filter`
(a query condition on many) are both built from it and tested against each other.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    String,
    UniqueConstraint,
    false,
    func,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .timeutil import utcnow


class Role(StrEnum):
    MODERATOR = "moderator"
    COMMITTEE = "committee"
    TEAM = "team"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.MODERATOR: "Moderation",
    Role.COMMITTEE: "Lenkungsausschuss",
    Role.TEAM: "Projektteam",
    Role.ADMIN: "Administration",
}


class RoleAssignment(db.Model):
    """A staff role, optionally limited to one municipality (moderators).

    Accounts and municipalities sit above this core module: they are named, not imported.
    """

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped["User"] = relationship(back_populates="roles")  # noqa: F821
    municipality: Mapped["Municipality | None"] = relationship(lazy="joined")  # noqa: F821


DISTRICT_WIDE = None  # the scope of a moderator without a municipality: everything
MODERATING_ROLES = frozenset({Role.MODERATOR, Role.ADMIN})
PIPELINE_ROLES = frozenset({Role.COMMITTEE, Role.TEAM})
PLANNING_ROLES = frozenset({Role.TEAM})
STAFF_ROLES = frozenset(Role)


def is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_blocked(user) -> bool:
    return is_signed_in(user) and bool(user.is_blocked)


def is_member(user) -> bool:
    """Signed in, confirmed and not blocked: may contribute and change their contributions."""
    return is_signed_in(user) and user.is_confirmed and not user.is_blocked


def active_roles(user) -> list[RoleAssignment]:
    """The roles a person can use now: none when anonymous, blocked, or still without the
    second factor that every role requires. Every permission asks here, so no staff page
    or staff button works before the second factor is set up."""
    if not is_signed_in(user) or user.is_blocked or needs_second_factor(user):
        return []
    return list(user.roles)


def needs_second_factor(user) -> bool:
    """Holds a role but has no second factor yet: the roles wait until it is set up
    (a refused staff page sends the person to the setup, `accounts.second_factor`)."""
    return is_signed_in(user) and bool(user.roles) and user.second_factor_at is None


def role_names(user) -> set[str]:
    return {assignment.role for assignment in active_roles(user)}


def has_any_role(user, roles) -> bool:
    return bool(role_names(user) & set(roles))


def is_admin(user) -> bool:
    return has_any_role(user, {Role.ADMIN})


def landing_endpoint(user) -> str:
    """Where signing in leads when no page asked for it: staff to their daily work (admins,
    who moderate district-wide, to the moderation queue, where people wait for answers),
    everyone else to their account. Staff still without a second factor have no roles yet:
    their account page shows how to set it up."""
    names = role_names(user)
    if names & MODERATING_ROLES:
        return "moderation.queue"
    if names & PIPELINE_ROLES:
        return "rating.index"
    return "pages.account"


def holds_staff_role(user) -> bool:
    """Any role on paper, blocked or not: staff stay staff when someone else decides on them."""
    return bool(user.roles)


# --- Moderation scope -------------------------------------------------------------


def moderation_scope(user) -> frozenset[int] | None:
    """Municipality ids a moderator covers; DISTRICT_WIDE (None) for the whole district.

    Someone without a moderating role has the empty scope.
    """
    assignments = [a for a in active_roles(user) if a.role in MODERATING_ROLES]
    if any(a.municipality_id is None for a in assignments):
        return DISTRICT_WIDE
    return frozenset(a.municipality_id for a in assignments)


def in_scope(user, municipality_id: int | None) -> bool:
    """Whether an object of this municipality (None: of no town, e.g. an account) is the
    moderator's business. Only district-wide moderators see objects of no town."""
    scope = moderation_scope(user)
    if scope is DISTRICT_WIDE:
        return True
    return municipality_id is not None and municipality_id in scope


def scope_filter(user, municipality_column) -> ColumnElement[bool]:
    """`in_scope` as a query condition on a column holding a municipality id."""
    scope = moderation_scope(user)
    if scope is DISTRICT_WIDE:
        return true()
    if not scope:
        return false()
    return municipality_column.in_(sorted(scope))


def is_moderator(user) -> bool:
    scope = moderation_scope(user)
    return scope is DISTRICT_WIDE or bool(scope)


def is_district_moderator(user) -> bool:
    return moderation_scope(user) is DISTRICT_WIDE


# --- Blocking: follows the role order ---------------------------------------------


def can_block_anyone(user) -> bool:
    """Blocking acts district-wide: district moderators (residents) and admins (everyone)."""
    return is_district_moderator(user)


def acting_holders(roles) -> int:
    """How many people hold one of `roles` and can use it now (not deleted, not blocked)."""
    user = RoleAssignment.user.property.mapper.class_  # accounts' User, without importing it
    query = (
        select(func.count(func.distinct(RoleAssignment.user_id)))
        .join(user, user.id == RoleAssignment.user_id)
        .where(RoleAssignment.role.in_(list(roles)), user.deleted_at.is_(None), ~user.is_blocked)
    )
    return db.session.scalar(query) or 0


def lock_admins() -> None:
    """Hold the admins' rows until the transaction ends: two admins blocking each other at
    the same moment are decided one after the other, so the second sees the first's block."""
    user = RoleAssignment.user.property.mapper.class_
    db.session.execute(
        select(user.id)
        .join(RoleAssignment, RoleAssignment.user_id == user.id)
        .where(RoleAssignment.role == Role.ADMIN)
        .order_by(user.id)
        .with_for_update(of=user)
    )


def is_last_admin(user) -> bool:
    """The only admin who can still act: blocking them, or taking their admin role,
    would leave nobody to undo it."""
    can_act = user.deleted_at is None and not user.is_blocked
    has_admin_role = any(a.role == Role.ADMIN for a in user.roles)
    return has_admin_role and can_act and acting_holders({Role.ADMIN}) <= 1


def block_refusal(actor, target, *, blocking: bool = True) -> str | None:
    """Why `actor` may not block (or with `blocking=False`, unblock) `target`; None if they may.

    Moderators block residents; staff (any role) are blocked only by an admin;
    nobody blocks themselves or the last admin who can still act.
    """
    if not can_block_anyone(actor):
        return "Konten sperren dürfen nur die Kreis-Moderation und die Administration."
    if target.id == actor.id:
        return "Sie können Ihr eigenes Konto nicht sperren."
    if holds_staff_role(target) and not is_admin(actor):
        return "Konten von Mitarbeitenden sperren und entsperren darf nur die Administration."
    if blocking and is_last_admin(target):
        return "Dies ist das letzte handlungsfähige Administrationskonto; es bleibt entsperrt."
    return None


def can_block(actor, target) -> bool:
    return block_refusal(actor, target) is None


def can_unblock(actor, target) -> bool:
    return block_refusal(actor, target, blocking=False) is None
