"""Imports every feature's models so metadata (and Alembic) sees all tables."""

from .accounts.models import RoleAssignment, User
from .notifications.models import OutboxMessage
from .strategy.models import FieldOfAction, GoverningBody, Municipality, Page, ProcessStep, Value

__all__ = [
    "FieldOfAction",
    "GoverningBody",
    "Municipality",
    "OutboxMessage",
    "Page",
    "ProcessStep",
    "RoleAssignment",
    "User",
    "Value",
]
