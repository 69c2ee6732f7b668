"""Who may moderate what. Pure predicates, shared by views and templates."""

from ..accounts.models import Role, User


def _roles(user: User | None) -> list:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if getattr(user, "is_blocked", False):
        return []  # a blocked account keeps its roles on paper, but cannot use them
    return list(user.roles)


def moderation_scope(user: User | None) -> set[int | None] | None:
    """Municipality ids a moderator covers; None means the whole district."""
    assignments = [a for a in _roles(user) if a.role in (Role.MODERATOR, Role.ADMIN)]
    if any(a.municipality_id is None for a in assignments):
        return None
    return {a.municipality_id for a in assignments}


def can_moderate_municipality(user: User | None, municipality_id: int) -> bool:
    scope = moderation_scope(user)
    return scope is None or municipality_id in scope


def is_moderator(user: User | None) -> bool:
    scope = moderation_scope(user)
    return scope is None or bool(scope)


def is_district_moderator(user: User | None) -> bool:
    return bool(_roles(user)) and moderation_scope(user) is None


def can_view_queue(user: User | None) -> bool:
    return is_moderator(user)


def can_decide_on_idea(user: User | None, idea) -> bool:
    return is_moderator(user) and can_moderate_municipality(user, idea.municipality_id)


def can_view_log(user: User | None) -> bool:
    return is_moderator(user)


def can_block_users(user: User | None) -> bool:
    """Blocking acts district-wide, so it is for district moderators and admins."""
    return is_district_moderator(user)


def can_edit_reason_templates(user: User | None) -> bool:
    return any(a.role == Role.ADMIN for a in _roles(user))
