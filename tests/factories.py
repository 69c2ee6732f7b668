"""Objects for tests, made through the same models the app uses."""

from itertools import count

import pyotp
from sqlalchemy import func, select

from participation.accounts.models import User, UserKind
from participation.accounts.passwords import hash_password
from participation.accounts.second_factor import totp
from participation.extensions import db
from participation.outbox.models import OutboxMessage
from participation.roles import RoleAssignment
from participation.strategy.models import Municipality
from participation.timeutil import utcnow

PASSWORD = "ein sicheres Passwort"
# Every staff account the factory makes has its second factor on, with this secret.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
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
    second_factor: bool | None = None,
) -> User:
    """`second_factor`: an authenticator app set up with TOTP_SECRET; by default staff
    (anyone with `roles`) have one, as the app requires, and residents do not."""
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
    if bool(roles) if second_factor is None else second_factor:
        user.totp_secret = TOTP_SECRET
        user.second_factor_at = utcnow()
    db.session.add(user)
    db.session.commit()
    return user


def fresh_code(email: str) -> str:
    """The code the person's app shows now, for a time step no code was used for yet.

    A person signing in twice within 30 seconds waits for the app's next code; instead
    of waiting, this moves the record of the last used step back (tests/accounts/
    test_second_factor.py checks that a used code is refused)."""
    user = find_user(email)
    step = totp.current_step()
    if user.totp_last_step is not None and user.totp_last_step >= step:
        user.totp_last_step = step - 1
        db.session.commit()
    return pyotp.TOTP(user.totp_secret).at(step * totp.INTERVAL)


def wrong_code(secret: str = TOTP_SECRET) -> str:
    """Six digits the app shows at no time step that would count now."""
    now = totp.current_step()
    near = {pyotp.TOTP(secret).at(step * totp.INTERVAL) for step in range(now - 2, now + 3)}
    return next(code for code in (f"{n:06d}" for n in range(10**6)) if code not in near)


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


def get_field(slug: str):
    from participation.strategy.models import FieldOfAction

    return db.session.scalar(select(FieldOfAction).where(FieldOfAction.slug == slug))


def create_idea(
    author: User | None = None,
    *,
    state: str = "published",
    field: str = "mobilitaet",
    municipality: str = "rheine",
    title: str | None = None,
    body: str | None = None,
    supports: int = 0,
    created_at=None,
):
    """An idea in any state, written directly (the state services are tested on their own)."""
    from participation.ideas.models import Follow, Idea, IdeaState

    number = next(_sequence)
    author = author or create_user()
    when = created_at or utcnow()
    idea = Idea(
        title=title or f"Idee Nummer {number} für den Kreis",
        body=body or f"Beschreibung der Idee Nummer {number}, lang genug für das Formular.",
        field_id=get_field(field).id,
        municipality_id=get_municipality(municipality).id,
        author_id=author.id,
        state=state,
        state_reason="Begründung der Moderation" if state in ("rejected", "hidden") else None,
        created_at=when,
        updated_at=when,
        state_changed_at=when,
        published_at=when if state in (IdeaState.PUBLISHED, IdeaState.HIDDEN) else None,
    )
    db.session.add(idea)
    db.session.flush()
    db.session.add(Follow(idea_id=idea.id, user_id=author.id))
    db.session.commit()
    if supports:
        add_supports(idea, supports)
    return idea


def add_supports(idea, number: int, *, created_at=None) -> list[User]:
    """`number` new people support the idea; the cached count follows."""
    from participation.ideas.models import TRENDING_WINDOW, Support

    people = [create_user() for _ in range(number)]
    for person in people:
        db.session.add(
            Support(idea_id=idea.id, user_id=person.id, created_at=created_at or utcnow())
        )
    idea.support_count += number
    if created_at is None or created_at >= utcnow() - TRENDING_WINDOW:
        idea.recent_support_count += number
    db.session.commit()
    return people


def create_comment(
    idea,
    author: User | None = None,
    *,
    body: str | None = None,
    parent=None,
    state: str = "published",
    created_at=None,
):
    """A comment (or a reply, with `parent`); a published one counts on the idea."""
    from participation.ideas.models import Comment

    author = author or create_user()
    comment = Comment(
        idea_id=idea.id,
        author_id=author.id,
        parent_id=parent.id if parent is not None else None,
        body=body or f"Kommentar Nummer {next(_sequence)}",
        state=state,
        created_at=created_at or utcnow(),
    )
    db.session.add(comment)
    if state == "published":
        idea.comment_count += 1
    db.session.commit()
    return comment


def idea_form_data(default_title: str, default_body: str, **changes) -> dict:
    """What the idea form sends for an idea about mobility in Rheine, with `changes`."""
    data = {
        "title": default_title,
        "body": default_body,
        "field": str(get_field("mobilitaet").id),
        "municipality": str(get_municipality("rheine").id),
    }
    return {**data, **changes}


def notifications_of(user):
    """A person's inbox entries as the database has them now, oldest first."""
    from participation.notifications.models import Notification

    db.session.expire_all()
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return list(db.session.scalars(query))


def choose_channels(user, **channels: str) -> None:
    """A person's channel per category, as the preferences page stores it
    (e.g. `followed="immediate"`); the categories not named keep theirs."""
    from participation.notifications.settings import change_channels

    change_channels(user.id, channels)
    db.session.commit()


def channels_of(user) -> dict[str, str]:
    """The channel of each category a person has now (the defaults without a row)."""
    from participation.notifications.categories import Category
    from participation.notifications.settings import settings_of

    db.session.expire_all()
    chosen = settings_of(user.id)
    return {category.value: chosen.channel(category) for category in Category}


def stop_path(message: OutboxMessage) -> str:
    """The site-relative path of a mail's stop link (its List-Unsubscribe address)."""
    assert message.unsubscribe_url, f"mail {message.subject!r} has no stop link"
    assert message.unsubscribe_url in message.body, "the text shows the same stop link"
    return "/" + message.unsubscribe_url.split("://", 1)[-1].split("/", 1)[1]
