"""How many mails one demo week brings one demo resident, before and after the
notification centre (issue 13).

    .venv/bin/python bench/notification_week.py
    .venv/bin/python bench/notification_week.py --pick most-mailed
    .venv/bin/python bench/notification_week.py --ideas 1000 --users 300 --json week.json

It builds a fresh SQLite database with the demo data (`flask demo`) and picks a resident
without a staff role and one of the demo's whole weeks (seven local days before today):

- `--pick active` (the default): the most active resident (ideas + comments + follows +
  supports), and the week with the most activity touching that person: comments on their
  ideas or on ideas they follow or support, replies to their comments, decisions on and
  answers to those ideas, news of projects they follow or that came from ideas they follow
  (their own included).
- `--pick most-mailed`: the resident and week with the most mails under the rules before
  the notification centre. For each event of the demo's history the old rules' recipients
  are found from the event's side (followers, supporters and author of its idea; followers
  of its project and of the project's ideas), counted per person and local day, and summed
  over every seven-day window.

- Before: the mails the rules before the notification centre (commit 8e6b4c2) would have
  sent that person in that week, each at once (`old_rules_mails`).
- After: the week's activity replayed as events through the notification centre
  (`delivery.route`, the clock set to each event's time), the summaries sent each morning
  at 07:00 and on the morning after, with the default channels; the person's outbox
  counted (mails at once and summaries). Nobody reads the inbox in between.

It prints both, split into mails at once and summaries, and the busiest day of each.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUMMARY_HOUR = 7  # the summaries' cron job (README: `0 7 * * *`)
SUMMARY_SUBJECTS = ("Ihre Tagesübersicht", "Ihre Wochenübersicht")
# Where the notification centre reads the clock.
CLOCKS = (
    "participation.notifications.delivery.utcnow",
    "participation.notifications.settings.utcnow",
    "participation.notifications.summaries.utcnow",
)
# Decisions a moderator took with `_decide_idea` (8e6b4c2 moderation/decisions.py): the
# author got a decision mail of their own, so `state_changed` left them out.
OLD_MODERATION_DECISIONS = {"publish", "reject", "hide", "restore"}


def build_demo_database(ideas: int, users: int, seed: int, folder: Path) -> str:
    """A fresh SQLite file in `folder` with the district and demo data; returns its URL."""
    url = f"sqlite:///{folder / 'site.sqlite'}"
    env = {**os.environ, "DATABASE_URL": url, "PHOTO_FOLDER": str(folder / "photos")}
    flask = [sys.executable, "-m", "flask", "--app", "participation"]
    demo = ["demo", "--ideas", str(ideas), "--users", str(users), "--seed", str(seed)]
    for args in (["db", "upgrade"], ["seed"], demo):
        print("==", " ".join(args), file=sys.stderr)
        subprocess.run(flask + args, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    os.environ.update(env)
    return url


@dataclass
class Person:
    id: int
    email: str
    name: str
    activity: dict[str, int]
    own_ideas: set[int] = field(default_factory=set)
    followed: set[int] = field(default_factory=set)  # ideas; authors follow their own
    supported: set[int] = field(default_factory=set)
    own_comments: set[int] = field(default_factory=set)
    followed_projects: set[int] = field(default_factory=set)
    projects_of_followed_ideas: set[int] = field(default_factory=set)

    @property
    def cared_for(self) -> set[int]:
        return self.own_ideas | self.followed | self.supported


ACTIVITY_LABELS = ("Ideen", "Kommentare", "gefolgt", "unterstützt")


def activity_per_person() -> dict[int, Counter]:
    """person id -> their ideas, comments, follows and supports."""
    from sqlalchemy import func, select

    from participation.extensions import db
    from participation.ideas.models import Comment, Follow, Idea, Support

    counted = {
        "Ideen": (Idea.author_id, Idea.id),
        "Kommentare": (Comment.author_id, Comment.id),
        "gefolgt": (Follow.user_id, Follow.id),
        "unterstützt": (Support.user_id, Support.id),
    }
    per_person: dict[int, Counter] = {}
    for label, (who, row) in counted.items():
        for user_id, number in db.session.execute(select(who, func.count(row)).group_by(who)):
            per_person.setdefault(user_id, Counter())[label] = number
    return per_person


def residents() -> dict:
    """person id -> account, for the people with an account and without a staff role."""
    from sqlalchemy import select

    from participation.accounts.models import User
    from participation.extensions import db
    from participation.roles import RoleAssignment

    staff = set(db.session.scalars(select(RoleAssignment.user_id)))
    return {
        user.id: user
        for user in db.session.scalars(select(User).where(User.deleted_at.is_(None)))
        if user.id not in staff
    }


def resident(person_id: int, per_person: dict[int, Counter] | None = None) -> Person:
    from participation.accounts.models import User
    from participation.extensions import db

    user = db.session.get(User, person_id)
    counts = (per_person or activity_per_person()).get(person_id, Counter())
    activity = {label: counts[label] for label in ACTIVITY_LABELS}
    return _with_ties(Person(user.id, user.email, user.display_name, activity))


def most_active_resident() -> Person:
    """The resident without a staff role with the most ideas + comments + follows + supports."""
    per_person = activity_per_person()
    people = residents()
    best = max((i for i in per_person if i in people), key=lambda i: (per_person[i].total(), -i))
    return resident(best, per_person)


def _with_ties(person: Person) -> Person:
    from sqlalchemy import select

    from participation.extensions import db
    from participation.ideas.models import Comment, Follow, Idea, Support
    from participation.projects.models import ProjectFollow, ProjectIdea

    def ids(query) -> set[int]:
        return set(db.session.scalars(query))

    person.own_ideas = ids(select(Idea.id).where(Idea.author_id == person.id))
    person.followed = ids(select(Follow.idea_id).where(Follow.user_id == person.id))
    person.supported = ids(select(Support.idea_id).where(Support.user_id == person.id))
    person.own_comments = ids(select(Comment.id).where(Comment.author_id == person.id))
    person.followed_projects = ids(
        select(ProjectFollow.project_id).where(ProjectFollow.user_id == person.id)
    )
    person.projects_of_followed_ideas = ids(
        select(ProjectIdea.project_id).where(ProjectIdea.idea_id.in_(person.followed))
    )
    return person


def parent_authors() -> dict[int, int]:
    """comment id -> the author of the comment it answers."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from participation.extensions import db
    from participation.ideas.models import Comment

    parent = aliased(Comment)
    query = select(Comment.id, parent.author_id).join(parent, parent.id == Comment.parent_id)
    return dict(db.session.execute(query).all())


def touches(event, person: Person, answered: dict[int, int]) -> bool:
    action = event.data.get("action")
    if event.actor_id == person.id:
        return False
    if event.kind == "comment.published":
        return event.idea_id in person.cared_for or answered.get(event.comment_id) == person.id
    if event.kind == "idea.taken" or (event.kind == "idea.state" and action != "adopt"):
        return event.idea_id in person.cared_for  # taking an idea in counts once
    if event.kind == "project.updated":
        return event.project_id in person.followed_projects | person.projects_of_followed_ideas
    return False


def old_rules_mails(event, person: Person) -> int:
    """The mails the rules before the notification centre sent `person` for `event`, all at
    once (commit 8e6b4c2; `notify_comments` and `notify_state_changes` on, as by default):

    - ideas/notify.py `new_comment`: every follower but the commenter (authors followed
      their ideas from the start, ideas/services.py `create_idea`); a reply was no more
      than a comment, its addressee heard of it only as a follower;
    - ideas/notify.py `state_changed` (from `change_state`): followers but the actor, and
      not the author when a moderator's decision mailed them (`author_told`);
    - moderation/decisions.py `_tell_author`: the author of a decided idea or comment;
    - projects/notify.py `idea_taken` and `idea_declined`: author, supporters, followers
      but the actor (these changes were `everyone_told`, no `state_changed`);
    - projects/notify.py `project_updated`: followers of the project and of its ideas.
    """
    if event.actor_id == person.id:
        return 0
    action = event.data.get("action")
    if event.kind == "comment.published":
        return int(event.idea_id in person.followed)
    if event.kind == "idea.state" and action in OLD_MODERATION_DECISIONS:
        return int(event.idea_id in person.own_ideas | person.followed)
    if event.kind == "idea.state" and action in ("adopt", "decline"):
        return int(action == "decline" and event.idea_id in person.cared_for)
    if event.kind == "idea.state":  # withdraw, resubmit
        return int(event.idea_id in person.followed)
    if event.kind == "idea.taken":
        return int(event.idea_id in person.cared_for)
    if event.kind == "project.updated":
        return int(event.project_id in person.followed_projects | person.projects_of_followed_ideas)
    return 0


@dataclass
class Ties:
    """Who is tied to which idea and project, for the whole demo at once."""

    authors: dict[int, int]  # idea -> its author
    followers: dict[int, set[int]]  # idea -> people following it
    supporters: dict[int, set[int]]  # idea -> people supporting it
    project_audience: dict[int, set[int]]  # project -> followers of it and of its ideas


def all_ties() -> Ties:
    from sqlalchemy import select

    from participation.extensions import db
    from participation.ideas.models import Follow, Idea, Support
    from participation.projects.models import ProjectFollow, ProjectIdea

    def grouped(query) -> dict[int, set[int]]:
        found: dict[int, set[int]] = {}
        for key, person in db.session.execute(query):
            if person is not None:  # supports outlive a deleted account
                found.setdefault(key, set()).add(person)
        return found

    followers = grouped(select(Follow.idea_id, Follow.user_id))
    audience = grouped(select(ProjectFollow.project_id, ProjectFollow.user_id))
    for project, idea in db.session.execute(select(ProjectIdea.project_id, ProjectIdea.idea_id)):
        audience.setdefault(project, set()).update(followers.get(idea, ()))
    return Ties(
        authors=dict(db.session.execute(select(Idea.id, Idea.author_id)).all()),
        followers=followers,
        supporters=grouped(select(Support.idea_id, Support.user_id)),
        project_audience=audience,
    )


def old_rules_recipients(event, ties: Ties) -> set[int]:
    """Everybody `old_rules_mails` gives a mail for `event`, found from the event's side."""
    action = event.data.get("action")
    author = {ties.authors.get(event.idea_id)} - {None}
    followers = ties.followers.get(event.idea_id, set())
    if event.kind == "comment.published":
        found = followers
    elif event.kind == "idea.state" and action in OLD_MODERATION_DECISIONS:
        found = author | followers
    elif event.kind == "idea.taken" or (event.kind == "idea.state" and action == "decline"):
        found = author | followers | ties.supporters.get(event.idea_id, set())
    elif event.kind == "idea.state" and action != "adopt":  # withdraw, resubmit
        found = followers
    elif event.kind == "project.updated":
        found = ties.project_audience.get(event.project_id, set())
    else:
        found = set()
    return found - {event.actor_id}


def most_mailed_week(events: list, today: date) -> tuple[int, date, int]:
    """The resident and the first day of the seven local days before today that bring the
    most mails under the old rules; with the count. Ties go to the later week."""
    ties, people = all_ties(), residents().keys()
    per_day: Counter = Counter()  # (person, local day) -> mails
    for event in events:
        day = local_date(event.created_at)
        for person in old_rules_recipients(event, ties) & people:
            per_day[person, day] += 1
    first, last = local_date(events[0].created_at), today - timedelta(days=7)
    per_week: Counter = Counter()  # (person, first day) -> mails
    for (person, day), mails in per_day.items():
        for n in range(7):
            if first <= (start := day - timedelta(days=n)) <= last:
                per_week[person, start] += mails
    (person, start), mails = max(
        per_week.items(), key=lambda item: (item[1], item[0][1], -item[0][0])
    )
    return person, start, mails


def zone() -> ZoneInfo:
    from flask import current_app

    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_date(moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(zone()).date()


def morning(day: date) -> datetime:
    """07:00 local time on `day`, as the naive UTC the database keeps."""
    local = datetime.combine(day, time(SUMMARY_HOUR), zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def busiest_week(events: list, person: Person, today: date) -> date:
    """The first day of the seven local days before today with the most events touching
    `person` (a whole week: today is not over)."""
    answered = parent_authors()
    per_day = Counter(local_date(e.created_at) for e in events if touches(e, person, answered))
    first, last = min(per_day), today - timedelta(days=7)
    starts = [first + timedelta(days=n) for n in range(max((last - first).days, 0) + 1)]

    def count(start: date) -> int:
        return sum(per_day[start + timedelta(days=n)] for n in range(7))

    return max(starts, key=lambda start: (count(start), start))


def touching(events: list, person: Person) -> int:
    answered = parent_authors()
    return sum(touches(event, person, answered) for event in events)


@contextmanager
def clock_at(moment: datetime):
    with ExitStack() as stack:
        for target in CLOCKS:
            stack.enter_context(mock.patch(target, return_value=moment))
        yield


@dataclass
class Mails:
    at_once: Counter = field(default_factory=Counter)  # local day -> mails
    daily: Counter = field(default_factory=Counter)
    weekly: Counter = field(default_factory=Counter)

    def total(self) -> int:
        return sum(self.at_once.values()) + self.summaries()

    def summaries(self) -> int:
        return sum(self.daily.values()) + sum(self.weekly.values())

    def on(self, day: date) -> int:
        return self.at_once[day] + self.daily[day] + self.weekly[day]


def before(events: list, person: Person) -> Mails:
    mails = Mails()
    for event in events:
        mails.at_once[local_date(event.created_at)] += old_rules_mails(event, person)
    return mails


def start_afresh() -> None:
    """The demo filled inboxes for its last week: the replay starts from empty ones."""
    from sqlalchemy import delete

    from participation.events import Event
    from participation.extensions import db
    from participation.notifications.models import Notification, NotificationSettings
    from participation.outbox.models import OutboxMessage

    for model in (Notification, Event, NotificationSettings, OutboxMessage):
        db.session.execute(delete(model))
    db.session.commit()


def after(events: list, person: Person, days: list[date]) -> Mails:
    """Replay the events and the summary runs in time order; sort the person's new mails."""
    from participation.extensions import db
    from participation.notifications.summaries import send_summaries

    start_afresh()
    steps = [(e.created_at, e) for e in events] + [(morning(d), None) for d in days]
    mails, seen = Mails(), []
    for moment, event in sorted(steps, key=lambda step: (step[0], step[1] is not None)):
        with clock_at(moment):
            if event is None:
                send_summaries(now=moment)
            else:
                deliver(event)
        day = local_date(moment)
        for subject in new_subjects(person, seen):
            if subject.startswith(SUMMARY_SUBJECTS[0]):
                mails.daily[day] += 1
            elif subject.startswith(SUMMARY_SUBJECTS[1]):
                mails.weekly[day] += 1
            else:
                mails.at_once[day] += 1
    db.session.commit()
    return mails


def deliver(event) -> None:
    """Record the event at its time and route it as `events.record` would."""
    from sqlalchemy import update

    from participation.extensions import db
    from participation.notifications.delivery import route
    from participation.notifications.models import Notification

    db.session.add(event)
    db.session.flush()
    route(event)
    db.session.execute(
        update(Notification)
        .where(Notification.event_id == event.id)
        .values(created_at=event.created_at)
    )
    db.session.commit()


def new_subjects(person: Person, seen: list[int]) -> list[str]:
    from sqlalchemy import select

    from participation.extensions import db
    from participation.outbox.models import OutboxMessage

    query = select(OutboxMessage.id, OutboxMessage.subject).where(
        OutboxMessage.user_id == person.id, OutboxMessage.id.not_in(seen)
    )
    rows = db.session.execute(query).all()
    seen.extend(row.id for row in rows)
    return [row.subject for row in rows]


def figures(mails: Mails, days: list[date]) -> dict:
    busiest = max(days, key=lambda d: (mails.on(d), d))
    return {
        "at_once": sum(mails.at_once.values()),
        "daily_summaries": sum(mails.daily.values()),
        "weekly_summaries": sum(mails.weekly.values()),
        "total": mails.total(),
        "busiest_day": {"day": busiest.isoformat(), "mails": mails.on(busiest)},
        "per_day": {d.isoformat(): mails.on(d) for d in days},
    }


PICKS = {
    "active": "aktivste Person ohne Rolle, ihre Woche mit den meisten sie betreffenden Ereignissen",
    "most-mailed": "Person ohne Rolle und Woche mit den meisten E-Mails nach den alten Regeln",
}


def pick_person_and_week(pick: str, history: list, today: date) -> tuple[Person, date]:
    if pick == "active":
        person = most_active_resident()
        return person, busiest_week(history, person, today)
    person_id, first_day, mails = most_mailed_week(history, today)
    person = resident(person_id)
    days = {first_day + timedelta(days=n) for n in range(7)}
    in_week = [e for e in history if local_date(e.created_at) in days]
    assert before(in_week, person).total() == mails, (
        "old_rules_recipients and old_rules_mails differ"
    )
    return person, first_day


def print_report(person: Person, week: dict, old: dict, new: dict) -> None:
    activity = ", ".join(f"{n} {label}" for label, n in person.activity.items())
    print(f"Auswahl: {PICKS[week['pick']]}")
    print(f"Person: {person.name} <{person.email}> (id {person.id}): {activity}")
    print(
        f"Woche: {week['first_day']} bis {week['last_day']} ({week['zone']}), "
        f"{week['touching']} Ereignisse betreffen die Person, {week['events']} insgesamt"
    )
    print(f"{'E-Mails an die Person':32} {'vorher':>7} {'nachher':>8}")
    rows = [
        ("sofort", old["at_once"], new["at_once"]),
        ("Tagesübersichten", old["daily_summaries"], new["daily_summaries"]),
        ("Wochenübersichten", old["weekly_summaries"], new["weekly_summaries"]),
        ("Summe", old["total"], new["total"]),
    ]
    for label, was, now in rows:
        print(f"{label:32} {was:7} {now:8}")
    for day in old["per_day"]:
        print(f"  {day:30} {old['per_day'][day]:7} {new['per_day'][day]:8}")
    for name, result in (("vorher", old), ("nachher", new)):
        busiest = result["busiest_day"]
        print(f"Vollster Tag {name}: {busiest['day']} mit {busiest['mails']} E-Mails")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ideas", type=int, default=300, help="demo ideas (as `flask demo`)")
    parser.add_argument("--users", type=int, default=150, help="demo people (as `flask demo`)")
    parser.add_argument("--seed", type=int, default=7, help="the demo's seed")
    parser.add_argument(
        "--pick", choices=PICKS, default="active", help="which resident and week (see above)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON ('-': stdout)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="notification-week-") as folder:
        return measure(args, Path(folder))


def measure(args, folder: Path) -> int:
    build_demo_database(args.ideas, args.users, args.seed, folder)
    from participation import create_app
    from participation.demo.inboxes import activity_events
    from participation.timeutil import utcnow

    with create_app().app_context():
        now = utcnow()
        history = activity_events(datetime(2000, 1, 1), now)
        person, first_day = pick_person_and_week(args.pick, history, local_date(now))
        days = [first_day + timedelta(days=n) for n in range(7)]
        in_week = [e for e in history if local_date(e.created_at) in days]
        # The summary on the morning after carries the week's last day: it counts too.
        mail_days = [*days, days[-1] + timedelta(days=1)]
        old = figures(before(in_week, person), mail_days)
        new = figures(after(in_week, person, mail_days), mail_days)
        week = {
            "pick": args.pick,
            "first_day": days[0].isoformat(),
            "last_day": days[-1].isoformat(),
            "zone": str(zone()),
            "touching": touching(in_week, person),
            "events": len(in_week),
        }
    print_report(person, week, old, new)
    if args.json:
        result = {"person": person.email, "activity": person.activity, "week": week}
        text = json.dumps(result | {"before": old, "after": new}, indent=2)
        if str(args.json) == "-":
            print(text)
        else:
            args.json.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
