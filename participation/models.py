"""Imports every feature's models so metadata (and Alembic) sees all tables."""

from .accounts.models import User
from .audit import AuditEntry
from .ideas.models import Comment, Follow, Idea, Support
from .moderation.models import ReasonTemplate, Report
from .notifications.models import OutboxMessage
from .projects.models import Project
from .rating.models import Assessment
from .roles import RoleAssignment
from .strategy.models import FieldOfAction, GoverningBody, Municipality, Page, ProcessStep, Value

__all__ = [
    "Assessment",
    "AuditEntry",
    "Comment",
    "FieldOfAction",
    "Follow",
    "GoverningBody",
    "Idea",
    "Municipality",
    "OutboxMessage",
    "Page",
    "ProcessStep",
    "Project",
    "ReasonTemplate",
    "Report",
    "RoleAssignment",
    "Support",
    "User",
    "Value",
]
