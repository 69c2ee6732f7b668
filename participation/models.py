"""Imports every feature's models so metadata (and Alembic) sees all tables."""

from .accounts.models import User
from .accounts.second_factor.models import RecoveryCode
from .audit import AuditEntry
from .events import Event
from .ideas import search
from .ideas.models import Comment, Follow, Idea, Support
from .ideas.tallies import KEPT, idea_tallies
from .moderation.models import ReasonTemplate, Report
from .notifications.models import Notification, NotificationSettings
from .outbox.models import OutboxMessage
from .photos.models import IdeaPhoto
from .projects.models import Project
from .rating.models import Assessment
from .rating.summaries import idea_rating_summaries
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
    "Event",
    "FieldOfAction",
    "Follow",
    "GoverningBody",
    "Idea",
    "IdeaPhoto",
    "Municipality",
    "Notification",
    "NotificationSettings",
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
    "idea_rating_summaries",
    "idea_tallies",
]


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic hook: what the migrations keep by hand stays out of the comparison with
    the models: the search structures, and the tables that triggers keep (`KEPT`)."""
    if type_ == "table" and name in KEPT.tables:
        return False
    return search.include_object(obj, name, type_, reflected, compare_to)
