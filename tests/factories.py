"""Objects for tests, made through the same models the app uses."""

from itertools import count

from sqlalchemy import func, select

from participation.accounts.models import RoleAssignment, User, UserKind
from participation.accounts.passwords import hash_password
from participation.extensions import db
from participation.notifications.models import OutboxMessage
from participation.strategy.models import Municipality
from participation.timeutil import utcnow

PASSWORD = "ein sicheres Passwort"
_sequence = count(1)
_hash_cache: dict[str, str] = {}


def _hashed(password: str) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def create_user(
    email: str | None = None,
    *,
    password: str = PASSWORD,
    display_name: str | None = None,
    confirmed: bool = True,
    kind: str = UserKind.RESIDENT,
    organisation_name: str | None = None,
    roles: tuple = (),
    municipality: str | None = None,
) -> User:
    number = next(_sequence)
    user = User(
        email=email or f"person{number}@example.org",
        display_name=display_name or f"Person {number}",
        password_hash=_hashed(password),
        kind=kind,
        organisation_name=organisation_name,
        confirmed_at=utcnow() if confirmed else None,
    )
    for role in roles:
        role_name, _, scope = role.partition(":")
        scope_id = get_municipality(scope).id if scope else None
        user.roles.append(RoleAssignment(role=role_name, municipality_id=scope_id))
    if municipality:
        user.municipality_id = get_municipality(municipality).id
    db.session.add(user)
    db.session.commit()
    return user


def get_municipality(slug: str) -> Municipality:
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug))


def outbox(recipient: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))


def link_from(message: OutboxMessage, path_part: str) -> str:
    """The site-relative path of the first link in a mail that contains path_part."""
    for word in message.body.split():
        if path_part in word:
            return "/" + word.split("://", 1)[-1].split("/", 1)[1]
    raise AssertionError(f"no link with {path_part!r} in {message.body!r}")


def find_user(email: str) -> User | None:
    """The account for an address as the database has it now (case-insensitive)."""
    db.session.expire_all()
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def count_rows(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))
