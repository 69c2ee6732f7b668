"""One demo project: its schedule, money, milestones and news, consistent with its status.

Nothing here touches the database; `pipeline.write_projects` writes what is drafted.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from ..projects.models import FundingStatus, ProjectKind, ProjectStatus
from . import project_content as texts

# The first six projects show every status once (one stopped); later ones are drawn.
FIRST_STATUSES = [
    ProjectStatus.ACTIVE,
    ProjectStatus.COMPLETED,
    ProjectStatus.PLANNED,
    ProjectStatus.ACTIVE,
    ProjectStatus.PAUSED,
    ProjectStatus.STOPPED,
]
LATER_STATUSES = {
    ProjectStatus.ACTIVE: 40,
    ProjectStatus.PLANNED: 30,
    ProjectStatus.COMPLETED: 20,
    ProjectStatus.PAUSED: 10,
}
# How far the external funding got, by project status.
FUNDING_BY_STATUS = {
    ProjectStatus.PLANNED: FundingStatus.APPLIED,
    ProjectStatus.ACTIVE: FundingStatus.APPROVED,
    ProjectStatus.COMPLETED: FundingStatus.APPROVED,
    ProjectStatus.PAUSED: FundingStatus.APPLIED,
    ProjectStatus.STOPPED: FundingStatus.DECLINED,
}


@dataclass
class Source:
    """A published idea as the drafting needs it."""

    id: int
    municipality_id: int
    published_at: datetime


@dataclass
class Draft:
    row: dict
    field_ids: list[int]
    municipality_ids: list[int]
    funding: list[dict] = field(default_factory=list)
    milestones: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    links: list[Source] = field(default_factory=list)  # the ideas taken in
    taken_at: list[datetime] = field(default_factory=list)  # when each was taken


def status_for(rng: random.Random, index: int) -> str:
    if index < len(FIRST_STATUSES):
        return FIRST_STATUSES[index]
    return rng.choices(list(LATER_STATUSES), weights=list(LATER_STATUSES.values()))[0]


def _days(rng: random.Random, start: date, low: int, high: int) -> date:
    return start + timedelta(days=rng.randint(low, high))


def _elapsed(rng: random.Random, starts: date, ends: date, today: date) -> int:
    """Progress in step with the time passed, give or take, in steps of five."""
    share = (today - starts).days / max((ends - starts).days, 1)
    return min(max(round((share * 100 + rng.randint(-10, 10)) / 5) * 5, 5), 95)


def schedule(rng: random.Random, status: str, today: date) -> tuple[date, date, int]:
    """Start, end and progress in percent; done projects lie in the past, planned ones ahead."""
    if status == ProjectStatus.COMPLETED:
        ends = _days(rng, today, -360, -20)
        return _days(rng, ends, -420, -120), ends, 100
    if status == ProjectStatus.PLANNED:
        starts = _days(rng, today, 20, 300)
        return starts, _days(rng, starts, 180, 420), rng.choice([0, 0, 5, 10])
    if status == ProjectStatus.STOPPED:
        stopped = _days(rng, today, -150, -10)
        starts = _days(rng, stopped, -450, -120)
        return starts, stopped, _elapsed(rng, starts, stopped + timedelta(days=365), stopped)
    starts, ends = _days(rng, today, -600, -30), _days(rng, today, 60, 650)
    return starts, ends, _elapsed(rng, starts, ends, today)


def _money(amount: float) -> Decimal:
    return Decimal(int(amount / 100) * 100)


def funding(rng: random.Random, plan, status: str, budget: Decimal, towns: int) -> list[dict]:
    """The district's share, the towns' share when several take part, and external money."""
    own = _money(float(budget) * rng.uniform(0.2, 0.45))
    decided = FundingStatus.APPLIED if status == ProjectStatus.PLANNED else FundingStatus.APPROVED
    rows = [{"programme": texts.OWN_BUDGET, "amount": own, "status": decided}]
    rest = budget - own
    if towns > 1:
        share = _money(float(rest) * 0.2)
        rows.append({"programme": texts.TOWN_BUDGETS, "amount": share, "status": decided})
        rest -= share
    if plan.is_lead and rng.random() < 0.7:
        programme = texts.SMART_CITIES
    elif status == ProjectStatus.COMPLETED and rng.random() < 0.3:
        programme = texts.REACT_EU
    else:
        programme = rng.choice(texts.PROGRAMMES[plan.field])
    external = FUNDING_BY_STATUS[status]
    if status == ProjectStatus.PLANNED and rng.random() < 0.15:
        # A first application failed; the team is trying another programme.
        first = _money(float(rest) * rng.uniform(0.5, 1))
        rows.append({"programme": texts.SMART_CITIES, "amount": first, "status": "declined"})
    rows.append({"programme": programme, "amount": rest, "status": external})
    return rows


def milestones(rng: random.Random, status: str, starts: date, ends: date, today: date):
    """2–5 steps spread over the project's time; those already past are done."""
    count = rng.randint(2, 5)
    titles = [texts.MILESTONES[i] for i in sorted(rng.sample(range(len(texts.MILESTONES)), count))]
    # A stopped project had planned beyond the day it stopped.
    planned_end = ends + timedelta(days=365) if status == ProjectStatus.STOPPED else ends
    reached = min(today, ends) if status == ProjectStatus.STOPPED else today
    span = (planned_end - starts).days
    rows = []
    for number, title in enumerate(titles, start=1):
        due = starts + timedelta(days=span * number // count)
        rows.append({"title": title, "due_on": due, "done": due <= reached})
    return rows


def news(rng: random.Random, status: str) -> list[tuple[str, str]]:
    """0–3 (title, body) in the order they happened, ending as the project did."""
    opening = [rng.choice(texts.UPDATES_EARLY)]
    if status == ProjectStatus.PLANNED:
        return opening if rng.random() < 0.6 else []
    middle = texts.UPDATES_MIDDLE
    if status in (ProjectStatus.PAUSED, ProjectStatus.STOPPED):
        middle = [u for u in middle if u[0] not in texts.FUNDING_GRANTED]
    closing = [texts.UPDATES_CLOSING[status]] if status in texts.UPDATES_CLOSING else []
    most = 2 if status in (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED) else 1
    picked = rng.sample(middle, rng.randint(0, min(most, len(middle))))
    chosen = [u for u in middle if u in picked]  # in the order projects go
    return (opening + chosen)[: 3 - len(closing)] + closing


def _news_days(rng: random.Random, row: dict, count: int, today: date) -> list[date]:
    """The first news comes around the start (or since planning began), the closing news
    on the day the project ended, the rest in between."""
    created, status = row["created_at"].date(), row["status"]
    closes = status in (ProjectStatus.COMPLETED, ProjectStatus.STOPPED)
    last = row["ends_on"] if closes else today
    first = created
    if status != ProjectStatus.PLANNED:
        first = min(max(row["starts_on"] + timedelta(days=rng.randint(-20, 30)), created), last)
    span = (last - first).days
    later = sorted(first + timedelta(days=rng.randint(0, span)) for _ in range(count - 1))
    days = [first, *later]
    if count and closes:
        days[-1] = last
    return days[:count]


def updates(rng: random.Random, row: dict, place: str, today: date) -> list[dict]:
    entries = news(rng, row["status"])
    days = _news_days(rng, row, len(entries), today)
    return [
        {
            "title": title,
            "body": body.format(ort=place),
            "published_on": day,
            "author_id": row["created_by_id"],
            "created_at": datetime.combine(day, time(10, 30)),
        }
        for (title, body), day in zip(entries, days, strict=True)
    ]


def _created(rng: random.Random, status: str, starts: date, now: datetime) -> datetime:
    if status == ProjectStatus.PLANNED:
        return now - timedelta(days=rng.uniform(10, 200))
    planned_from = starts - timedelta(days=rng.randint(30, 120))
    return min(
        datetime.combine(planned_from, time(9)) + timedelta(minutes=rng.randint(0, 480)), now
    )


def _taken_at(rng: random.Random, source: Source, created: datetime, now: datetime) -> datetime:
    return min(max(created, source.published_at) + timedelta(days=rng.uniform(1, 20)), now)


def _scope(plan, sources: list[Source], district_id: int) -> list[int]:
    """Where the project runs: its ideas' towns, or the whole district for merged
    Leitprojekte, ideas for the district, and plans without ideas."""
    towns = list(dict.fromkeys(s.municipality_id for s in sources))
    if not towns or district_id in towns or (plan.is_lead and len(towns) > 1):
        return [district_id]
    return towns


def _towns(municipality_ids: list[int], names: dict[int, str]) -> str:
    towns = [names[i] for i in municipality_ids]
    return towns[0] if len(towns) == 1 else ", ".join(towns[:-1]) + " und " + towns[-1]


def _where(plan, municipality_ids: list[int], context) -> str:
    if municipality_ids == [context.district_id]:
        return plan.where.format(in_ort=texts.IN_DISTRICT)
    return plan.where.format(in_ort="in " + _towns(municipality_ids, context.names))


def _audience(municipality_ids: list[int], context) -> str:
    """The place as the news texts say it: "aus {ort}", "in {ort}"."""
    if municipality_ids == [context.district_id]:
        return texts.FROM_DISTRICT
    return _towns(municipality_ids, context.names)


def _plan_row(rng: random.Random, plan, index: int, places: list[int], context) -> dict:
    """The project's own columns: the plan text, a schedule fitting a drawn status, money."""
    status = status_for(rng, index)
    stage = index // len(texts.PLANS) + 1
    starts, ends, progress = schedule(rng, status, context.today)
    lead = plan.is_lead
    budget = (
        rng.randrange(250_000, 2_500_000, 5_000) if lead else rng.randrange(20_000, 400_000, 1_000)
    )
    staff = rng.randrange(100, 400, 25) if lead else rng.randrange(25, 150, 25)
    return {
        "title": plan.title if stage == 1 else f"{plan.title} – Ausbaustufe {stage}",
        "summary": plan.summary,
        "kind": ProjectKind.LEAD if lead else ProjectKind.POTENTIAL,
        "status": status,
        "progress": progress,
        "what": plan.what,
        "starts_on": starts,
        "ends_on": ends,
        "place": _where(plan, places, context),
        "lead": plan.lead,
        "partners": plan.partners,
        "staff_fte": Decimal(staff) / 100,
        "budget": Decimal(budget),
        "internal_notes": rng.choice(texts.INTERNAL_NOTES),
        "created_by_id": context.team_id,
        "created_at": _created(rng, status, starts, context.now),
    }


def draft_project(rng: random.Random, plan, index: int, sources: list[Source], context) -> Draft:
    """Everything about one project, drawn from its plan text and its source ideas."""
    places = _scope(plan, sources, context.district_id)
    row = _plan_row(rng, plan, index, places, context)
    status, starts, ends = row["status"], row["starts_on"], row["ends_on"]
    draft = Draft(
        row=row,
        field_ids=[context.field_ids[slug] for slug in (plan.field, *plan.also_fields)],
        municipality_ids=places,
        funding=funding(rng, plan, status, row["budget"], len(places)),
        milestones=milestones(rng, status, starts, ends, context.today),
        links=list(sources),
        taken_at=[_taken_at(rng, s, row["created_at"], context.now) for s in sources],
        updates=updates(rng, row, _audience(places, context), context.today),
    )
    for update in draft.updates:
        update["created_at"] = min(update["created_at"], context.now)
    changes = [row["created_at"], *draft.taken_at]
    changes += [update["created_at"] for update in draft.updates]
    row["updated_at"] = max(changes)
    return draft
