"""Who may take ideas in, answer them and plan projects.
Pure predicates over `participation.roles`."""

from ..roles import PLANNING_ROLES, has_any_role


def can_plan_projects(user) -> bool:
    """Only the project team takes ideas, answers them and plans projects;
    the committee rates and reads."""
    return has_any_role(user, PLANNING_ROLES)
