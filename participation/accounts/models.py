import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, and_, func, or_, true
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..roles import Role, RoleAssignment
from ..strategy.models import Municipality
from ..timeutil import utcnow


class UserKind(StrEnum):
    RESIDENT = "resident"
    ASSOCIATION = "association"
    BUSINESS = "business"
    INSTITUTION = "institution"


USER_KIND_LABELS = {
    UserKind.RESIDENT: "Privatperson",
    UserKind.ASSOCIATION: "Verein oder Verband",
    UserKind.BUSINESS: "Unternehmen",
    UserKind.INSTITUTION: "Institution oder Einrichtung",
}
ORGANISATION_KINDS = frozenset({UserKind.ASSOCIATION, UserKind.BUSINESS, UserKind.INSTITUTION})


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (Index("uq_users_email_lower", func.lower("email"), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=UserKind.RESIDENT)
    organisation_name: Mapped[str | None] = mapped_column(String(160))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="SET NULL"), index=True
    )
    notify_comments: Mapped[bool] = mapped_column(default=True, server_default=true())
    notify_state_changes: Mapped[bool] = mapped_column(default=True, server_default=true())
    session_token: Mapped[str] = mapped_column(String(40), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    blocked_at: Mapped[datetime | None]
    blocked_until: Mapped[datetime | None]
    blocked_reason: Mapped[str | None] = mapped_column(String(500))

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        # The token is part of the session's identity: rotating it on logout
        # makes every copy of an old session cookie worthless.
        return f"{self.id}:{self.session_token}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @hybrid_property
    def is_blocked(self) -> bool:
        """Blocked people may read and log in, but not contribute."""
        if self.blocked_at is None:
            return False
        return self.blocked_until is None or self.blocked_until > utcnow()

    @is_blocked.inplace.expression
    @classmethod
    def _is_blocked_in_sql(cls):
        """The same rule in a query: `~User.is_blocked` selects those who may act."""
        return and_(
            cls.blocked_at.is_not(None),
            or_(cls.blocked_until.is_(None), cls.blocked_until > utcnow()),
        )

    @property
    def is_organisation(self) -> bool:
        return self.kind in ORGANISATION_KINDS

    def has_role(self, role: Role) -> bool:
        return any(assignment.role == role for assignment in self.roles)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles)

    def __repr__(self) -> str:
        return f"<User {self.id}>"
