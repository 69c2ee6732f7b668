"""Who may moderate what. Pure predicates over `participation.roles`, shared by views
and templates."""

from ..accounts.models import User
from ..roles import (
    block_refusal,
    can_block,
    can_block_anyone,
    can_unblock,
    in_scope,
    is_admin,
    is_district_moderator,
    is_last_admin,
    is_moderator,
    moderation_scope,
)

__all__ = [
    "block_refusal",
    "can_block",
    "can_block_users",
    "can_decide_on_idea",
    "can_edit_reason_templates",
    "can_moderate_municipality",
    "can_unblock",
    "can_view_log",
    "can_view_queue",
    "is_district_moderator",
    "is_last_admin",
    "is_moderator",
    "moderation_scope",
]


def can_moderate_municipality(user: User | None, municipality_id: int | None) -> bool:
    return in_scope(user, municipality_id)


def can_view_queue(user: User | None) -> bool:
    return is_moderator(user)


def can_decide_on_idea(user: User | None, idea) -> bool:
    return in_scope(user, idea.municipality_id)


def can_view_log(user: User | None) -> bool:
    return is_moderator(user)


def can_block_users(user: User | None) -> bool:
    """Whether the block buttons show at all; `can_block` decides per person."""
    return can_block_anyone(user)


def can_edit_reason_templates(user: User | None) -> bool:
    return is_admin(user)
