"""Who may moderate what. Pure predicates, shared by views and templates."""

from ..accounts.models import Role, User


def moderation_scope(user: User | None) -> set[int | None] | None:
    """Municipality ids a moderator covers; None means the whole district."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    assignments = [a for a in user.roles if a.role in (Role.MODERATOR, Role.ADMIN)]
    if any(a.municipality_id is None for a in assignments):
        return None
    return {a.municipality_id for a in assignments}


def can_moderate_municipality(user: User | None, municipality_id: int) -> bool:
    scope = moderation_scope(user)
    return scope is None or municipality_id in scope


def is_moderator(user: User | None) -> bool:
    scope = moderation_scope(user)
    return scope is None or bool(scope)
