from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, and_, func, or_
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    blocked_at: Mapped[datetime | None]
    blocked_until: Mapped[datetime | None]
    blocked_reason: Mapped[str | None] = mapped_column(String(500))
    # The second factor (accounts.second_factor): the authenticator app's secret, pending
    # until a first code confirms it (then second_factor_at is set), and the last time
    # step whose code was accepted, so no code counts twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    second_factor_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # The token of the sign-in being started, set by `sessions.start_session` just
    # before Flask-Login asks `get_id` for what to keep in the session cookie. Not
    # stored: the database holds only the token's hash (`SignInSession.token_hash`).
    sign_in_token = None

    def get_id(self) -> str:
        # Without a token the id names nobody (the loader refuses it): signing in
        # works only through `sessions.start_session`, which records the device.
        return f"{self.id}:{self.sign_in_token or ''}"

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
    def has_second_factor(self) -> bool:
        return self.second_factor_at is not None

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


class SignInSession(db.Model):
    """One signed-in device. Its session cookie carries a random token; this row holds
    only the token's SHA-256, a short browser name ("Firefox auf Android", never the
    User-Agent itself and never a network address) and when it was seen.

    `expires_at` is when it stops working unless used again (`accounts.sessions`
    moves it on); ending a session sets `ended_at` and pulls `expires_at` to that
    moment, so retention needs only `expires_at`.
    """

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    browser: Mapped[str] = mapped_column(String(60))
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @hybrid_method
    def active_at(self, moment: datetime) -> bool:
        return self.ended_at is None and moment < self.expires_at

    @active_at.inplace.expression
    @classmethod
    def _active_at_in_sql(cls, moment: datetime):
        return and_(cls.ended_at.is_(None), cls.expires_at > moment)

    def end(self, moment: datetime) -> None:
        self.ended_at = self.ended_at or moment
        self.expires_at = min(self.expires_at, moment)

    def __repr__(self) -> str:
        return f"<SignInSession {self.id} of user {self.user_id}>"
