"""Generate demo users, ideas in every state, supports, comments and follows.

Rows are drawn in Python with ids reserved beforehand, so every table is written with
plain bulk inserts (no ORM objects, no RETURNING row by row) and every cached count
(supports, trending supports, comments) is known before its idea is written: `flask
recount` finds no drift afterwards.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from math import log10

from sqlalchemy import func, select

from ..accounts.models import User
from ..accounts.passwords import hash_password
from ..extensions import db
from ..ideas.models import TRENDING_WINDOW, Comment, Follow, Idea, IdeaState, Support
from ..strategy.models import FieldOfAction, Municipality
from ..timeutil import utcnow
from . import content
from .bulk import insert_rows, reserve_ids
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
# Ideas drawn together; the order of the random draws, and so the demo, depends on it.
IDEAS_PER_BATCH = 250
# Supports per idea follow a long tail; a site with more people reaches more of them.
# With up to 200 people about 8 per idea open to support; 100,000 ideas with their 20,000
# people get about 11.5, so about 1,000,000 supports in all (issue 14's benchmarks).
SUPPORT_TAIL, SUPPORT_SCALE, PEOPLE_BASE, MOST_SUPPORTS = 1.3, 3, 200, 400
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


def support_scale(people: int) -> float:
    return SUPPORT_SCALE + max(log10(max(people, 1) / PEOPLE_BASE), 0) / 2


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


def _engagement(rng, idea_id: int, idea: dict, user_ids: list[int], now, scale=SUPPORT_SCALE):
    """Supports (skewed: a few ideas get many), comments, follows."""
    supports, comments, follows = (
        [],
        [],
        [{"idea_id": idea_id, "user_id": idea["author_id"], "created_at": idea["created_at"]}],
    )
    if idea["state"] not in (IdeaState.PUBLISHED, IdeaState.HIDDEN):
        return supports, comments, follows
    start = idea["published_at"]
    span = max((now - start).total_seconds(), 60)
    wanted = min(int(rng.paretovariate(SUPPORT_TAIL) * scale) - 2, len(user_ids), MOST_SUPPORTS)
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
    insert_rows(User, _users(rng, users, towns, start))
    user_ids = list(db.session.scalars(select(User.id).where(User.email.like(f"%@{DEMO_DOMAIN}"))))
    report = DemoReport(users=users)
    done = 0
    while done < ideas:
        batch = min(IDEAS_PER_BATCH, ideas - done)
        _write_idea_batch(
            rng, batch, fields, places, user_ids, now, report, first=done, place_rng=place_rng
        )
        done += batch
        if progress:
            progress(batch)
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
    ids = reserve_ids(Idea.__table__, count)
    scale, trending_since = support_scale(len(user_ids)), now - TRENDING_WINDOW
    supports, comments, follows = [], [], []
    for idea_id, row in zip(ids, rows, strict=True):
        s, c, f = _engagement(rng, idea_id, row, user_ids, now, scale)
        supports += s
        comments += c
        follows += f
        row["id"], row["support_count"], row["comment_count"] = idea_id, len(s), len(c)
        row["recent_support_count"] = sum(x["created_at"] >= trending_since for x in s)
    replies = _replies(rng, comments, user_ids, now)
    by_id = dict(zip(ids, rows, strict=True))
    for reply in replies:
        by_id[reply["idea_id"]]["comment_count"] += 1
    insert_rows(Idea, rows)
    insert_rows(Support, supports)
    insert_rows(Follow, follows)
    insert_rows(Comment, comments)
    insert_rows(Comment, replies)
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


def _replies(rng, comments: list[dict], user_ids: list[int], now) -> list[dict]:
    """Answers to a quarter of the comments; gives the comments and the answers their ids."""
    answered = [
        (
            parent,
            {
                "idea_id": parent["idea_id"],
                "author_id": rng.choice(user_ids),
                "body": rng.choice(content.REPLIES),
                "state": "published",
                "created_at": min(parent["created_at"] + timedelta(hours=rng.uniform(1, 48)), now),
            },
        )
        for parent in comments
        if rng.random() < 0.25
    ]
    replies = [reply for _, reply in answered]
    ids = reserve_ids(Comment.__table__, len(comments) + len(replies))
    for row, row_id in zip(comments + replies, ids, strict=True):
        row["id"] = row_id
    for parent, reply in answered:
        reply["parent_id"] = parent["id"]
    return replies
