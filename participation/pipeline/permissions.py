"""Who may see and use the internal pipeline. Pure predicates over `participation.roles`."""

from ..roles import PIPELINE_ROLES, PLANNING_ROLES, has_any_role

__all__ = ["PIPELINE_ROLES", "can_plan_projects", "can_rate_ideas", "can_view_pipeline"]


def can_view_pipeline(user) -> bool:
    """Steering committee and project team; nobody else sees ratings or notes."""
    return has_any_role(user, PIPELINE_ROLES)


def can_rate_ideas(user) -> bool:
    return can_view_pipeline(user)


def can_plan_projects(user) -> bool:
    """Only the project team takes ideas, answers them and plans projects;
    the committee rates and reads."""
    return has_any_role(user, PLANNING_ROLES)
