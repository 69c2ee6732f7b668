"""Who may see and use the internal pipeline. Pure predicates."""

from ..accounts.models import Role

PIPELINE_ROLES = frozenset({Role.COMMITTEE, Role.TEAM})
PLANNING_ROLES = frozenset({Role.TEAM})


def _roles(user) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False) or user.is_blocked:
        return set()
    return {assignment.role for assignment in user.roles}


def can_view_pipeline(user) -> bool:
    """Steering committee and project team; nobody else sees ratings or notes."""
    return bool(_roles(user) & PIPELINE_ROLES)


def can_rate_ideas(user) -> bool:
    return can_view_pipeline(user)


def can_plan_projects(user) -> bool:
    """Only the project team takes ideas, answers them and plans projects;
    the committee rates and reads."""
    return bool(_roles(user) & PLANNING_ROLES)
