"""Who may see the internal pipeline and rate. Pure predicates over `participation.roles`."""

from ..roles import PIPELINE_ROLES, has_any_role


def can_view_pipeline(user) -> bool:
    """Steering committee and project team; nobody else sees ratings or notes."""
    return has_any_role(user, PIPELINE_ROLES)


def can_rate_ideas(user) -> bool:
    return can_view_pipeline(user)
