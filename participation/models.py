"""Imports every feature's models so metadata (and Alembic) sees all tables."""

from .accounts.models import User
from .accounts.second_factor.models import RecoveryCode
from .audit import AuditEntry
from .ideas.models import Comment, Follow, Idea, Support
from .moderation.models import ReasonTemplate, Report
from .notifications.models import OutboxMessage
from .photos.models import IdeaPhoto
from .projects.models import Project
from .rating.models import Assessment
from .roles import RoleAssignment
from .strategy.models import (
    FieldOfAction,
    GoverningBody,
    Municipality,
    Page,
    PageVersion,
    ProcessStep,
    Value,
)

__all__ = [
    "Assessment",
    "AuditEntry",
    "Comment",
    "FieldOfAction",
    "Follow",
    "GoverningBody",
    "Idea",
    "IdeaPhoto",
    "Municipality",
    "OutboxMessage",
    "Page",
    "PageVersion",
    "ProcessStep",
    "Project",
    "ReasonTemplate",
    "RecoveryCode",
    "Report",
    "RoleAssignment",
    "Support",
    "User",
    "Value",
]
