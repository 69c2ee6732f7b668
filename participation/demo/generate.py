"""Generate demo users, ideas in every state, supports, comments and follows.

Rows are written in bulk, and cached counts are set from the rows written, so
`flask recount` finds no drift afterwards.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, insert, select

from ..accounts.models import User
from ..accounts.passwords import hash_password
from ..extensions import db
from ..ideas.models import Comment, Follow, Idea, IdeaState, Support
from ..ideas.services import refresh_trending
from ..strategy.models import FieldOfAction, Municipality
from ..timeutil import utcnow
from . import content
from .moderation import write_history

DEMO_PASSWORD = "demo-passwort"  # noqa: S105 - documented demo accounts, local use only
DEMO_DOMAIN = "demo.example.org"
STATE_WEIGHTS = {
    IdeaState.PUBLISHED: 80,
    IdeaState.PENDING: 8,
    IdeaState.REJECTED: 5,
    IdeaState.HIDDEN: 2,
    IdeaState.WITHDRAWN: 5,
}
BATCH = 1000
# A share of ideas names a place and a point within about a kilometre of its town's centre.
PLACE_SHARE = 0.4
POINT_SPREAD = (0.012, 0.018)  # degrees of latitude and longitude, about 1.3 km either way
DECIDED_STATES = (IdeaState.PUBLISHED, IdeaState.REJECTED, IdeaState.HIDDEN)


@dataclass
class DemoReport:
    users: int = 0
    ideas: int = 0
    supports: int = 0
    comments: int = 0


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(content.FIRST_NAMES)} {rng.choice(content.LAST_INITIALS)}."


def _users(rng: random.Random, count: int, towns: list[Municipality], start: int) -> list[dict]:
    password_hash = hash_password(DEMO_PASSWORD)
    now = utcnow()
    rows = []
    for number in range(start, start + count):
        town = rng.choice(towns)
        row = {
            "email": f"person{number}@{DEMO_DOMAIN}",
            "display_name": _person_name(rng),
            "password_hash": password_hash,
            "kind": "resident",
            "organisation_name": None,
            "municipality_id": town.id,
            "confirmed_at": now - timedelta(days=rng.randint(1, 400)),
            "created_at": now - timedelta(days=rng.randint(1, 400)),
        }
        if rng.random() < 0.08:
            kind, name = rng.choice(content.ORGANISATIONS)
            row.update(kind=kind, organisation_name=name.format(ort=town.name))
            row["display_name"] = f"{rng.choice(content.FIRST_NAMES)} für {town.name}"
        rows.append(row)
    return rows


def _idea_row(rng, fields, places, authors, now, state: str | None = None) -> dict:
    field = rng.choice(fields)
    place = rng.choice(places)
    title, text = rng.choice(content.IDEAS.get(field.slug) or next(iter(content.IDEAS.values())))
    where = place.name if not place.is_district_wide else "im ganzen Kreis"
    if rng.random() < 0.5 and not place.is_district_wide:
        title = f"{title} in {place.name}"
    state = state or rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()))[0]
    created = now - timedelta(days=rng.uniform(0.2, 240))
    decided = created + timedelta(hours=rng.uniform(2, 96))
    body = f"{text}\n\n{rng.choice(content.ANGLES).format(ort=where)}"
    reason = None
    if state == IdeaState.REJECTED:
        reason = rng.choice(content.REJECTION_REASONS)
    elif state == IdeaState.HIDDEN:
        reason = rng.choice(content.HIDE_REASONS)
    return {
        "title": title[:160],
        "body": body,
        "field_id": field.id,
        "municipality_id": place.id,
        "author_id": rng.choice(authors),
        "state": state,
        "state_reason": reason,
        "hidden_from": IdeaState.PUBLISHED if state == IdeaState.HIDDEN else None,
        "created_at": created,
        "updated_at": created,
        "published_at": decided if state in (IdeaState.PUBLISHED, IdeaState.HIDDEN) else None,
        "state_changed_at": decided if state != IdeaState.PENDING else created,
        "submitted_at": created,
        "decided_at": decided if state in DECIDED_STATES else None,
        "support_count": 0,
        "comment_count": 0,
    }


def _engagement(rng, idea_id: int, idea: dict, user_ids: list[int], now):
    """Supports (skewed: a few ideas get many), comments with replies, follows."""
    supports, comments, follows = (
        [],
        [],
        [{"idea_id": idea_id, "user_id": idea["author_id"], "created_at": idea["created_at"]}],
    )
    if idea["state"] not in (IdeaState.PUBLISHED, IdeaState.HIDDEN):
        return supports, comments, follows
    start = idea["published_at"]
    span = max((now - start).total_seconds(), 60)
    wanted = min(int(rng.paretovariate(1.3) * 3) - 2, len(user_ids), 400)
    for user_id in rng.sample(user_ids, max(wanted, 0)):
        supports.append(
            {
                "idea_id": idea_id,
                "user_id": user_id,
                "created_at": start + timedelta(seconds=rng.uniform(0, span)),
            }
        )
    for _ in range(min(int(rng.expovariate(0.6)), 12)):
        when = start + timedelta(seconds=rng.uniform(0, span))
        comments.append(
            {
                "idea_id": idea_id,
                "author_id": rng.choice(user_ids),
                "body": rng.choice(content.COMMENTS),
                "state": "published",
                "created_at": when,
                "parent_id": None,
            }
        )
    return supports, comments, follows


def generate(
    ideas: int, users: int, seed: int = 7, progress: Callable[[int], None] | None = None
) -> DemoReport:
    rng = random.Random(seed)
    # Its own generator: places leave every other demo row as it was before they came.
    place_rng = random.Random(f"{seed}-places")
    now = utcnow()
    fields = list(db.session.scalars(select(FieldOfAction)))
    places = list(db.session.scalars(select(Municipality)))
    towns = [p for p in places if not p.is_district_wide]
    if not fields or not places:
        raise RuntimeError("Keine Stammdaten: bitte zuerst `flask seed` ausführen.")
    start = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    _insert(User, _users(rng, users, towns, start))
    user_ids = list(db.session.scalars(select(User.id).where(User.email.like(f"%@{DEMO_DOMAIN}"))))
    report = DemoReport(users=users)
    done = 0
    while done < ideas:
        batch = min(BATCH // 4, ideas - done)
        _write_idea_batch(
            rng, batch, fields, places, user_ids, now, report, first=done, place_rng=place_rng
        )
        done += batch
        if progress:
            progress(batch)
    refresh_trending(now)
    return report


def _write_idea_batch(
    rng, count, fields, places, user_ids, now, report: DemoReport, first: int = 0, place_rng=None
) -> None:
    # The first ideas take every state in turn, so even a small demo shows them all.
    states = list(STATE_WEIGHTS)
    rows = [
        _idea_row(rng, fields, places, user_ids, now, states[n] if n < len(states) else None)
        for n in range(first, first + count)
    ]
    _add_places(place_rng or random.Random(first), rows, {town.id: town for town in places})
    ids = list(
        db.session.scalars(insert(Idea).returning(Idea.id, sort_by_parameter_order=True), rows)
    )
    supports, comments, follows = [], [], []
    for idea_id, row in zip(ids, rows, strict=True):
        s, c, f = _engagement(rng, idea_id, row, user_ids, now)
        supports += s
        comments += c
        follows += f
        row["support_count"], row["comment_count"] = len(s), len(c)
    _insert(Support, supports)
    _insert(Follow, follows)
    _insert(Comment, comments)
    _set_counts(ids, rows)
    _add_replies(rng, ids, user_ids, now)
    write_history(rng, ids, rows, user_ids)
    report.ideas += count
    report.supports += len(supports)
    report.comments += len(comments)


def _add_places(rng: random.Random, rows: list[dict], towns: dict) -> None:
    """A place text and a point near the town's centre for a share of the ideas."""
    for row in rows:
        # Drawn for every row alike, so each idea's place depends on its number only.
        share, text = rng.random(), rng.choice(content.PLACES)
        north, east = rng.uniform(-1, 1), rng.uniform(-1, 1)
        town = towns[row["municipality_id"]]
        row.update(place=None, latitude=None, longitude=None)
        if share >= PLACE_SHARE or town.latitude is None or town.longitude is None:
            continue
        row["place"] = text.format(ort=town.name)
        row["latitude"] = round(town.latitude + north * POINT_SPREAD[0], 6)
        row["longitude"] = round(town.longitude + east * POINT_SPREAD[1], 6)


def _set_counts(ids: list[int], rows: list[dict]) -> None:
    updates = [
        {
            "id": idea_id,
            "support_count": row["support_count"],
            "comment_count": row["comment_count"],
        }
        for idea_id, row in zip(ids, rows, strict=True)
        if row["support_count"] or row["comment_count"]
    ]
    if updates:
        db.session.execute(db.update(Idea), updates)


def _add_replies(rng, idea_ids: list[int], user_ids: list[int], now) -> None:
    parents = db.session.execute(
        select(Comment.id, Comment.idea_id, Comment.created_at).where(
            Comment.idea_id.in_(idea_ids), Comment.parent_id.is_(None)
        )
    ).all()
    replies = [
        {
            "idea_id": idea_id,
            "author_id": rng.choice(user_ids),
            "parent_id": parent_id,
            "body": rng.choice(content.REPLIES),
            "state": "published",
            "created_at": min(created + timedelta(hours=rng.uniform(1, 48)), now),
        }
        for parent_id, idea_id, created in parents
        if rng.random() < 0.25
    ]
    _insert(Comment, replies)
    per_idea: dict[int, int] = {}
    for reply in replies:
        per_idea[reply["idea_id"]] = per_idea.get(reply["idea_id"], 0) + 1
    for idea_id, extra in per_idea.items():
        db.session.execute(
            db.update(Idea)
            .where(Idea.id == idea_id)
            .values(comment_count=Idea.comment_count + extra)
        )
