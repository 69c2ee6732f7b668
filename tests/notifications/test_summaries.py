"""The daily and weekly summaries: one mail per person and run, grouped by idea or project,
only what was neither mailed nor read; moderators hear what waits in their towns; nobody
gets more mails a day than the ceiling allows, and two runs at once send nothing twice."""

import re
import threading
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas import services as ideas
from participation.notifications import settings as notification_settings
from participation.notifications.settings import ensure_settings
from participation.notifications.summaries import send_summaries
from participation.notifications.tokens import read_stop_token
from participation.outbox import mailer
from participation.outbox.models import OutboxMessage
from participation.outbox.services import deliver_pending
from participation.timeutil import utcnow
from tests.factories import create_idea, create_user, outbox
from tests.helpers import html_of, main_of
from tests.notifications.helpers import (
    INBOX,
    PREFERENCES,
    follow,
    mails_to,
    notifications_of,
    settings_row,
    write_comment,
)
from tests.pipeline.test_planning import new_project

DAILY = "Ihre Tagesübersicht"
WEEKLY = "Ihre Wochenübersicht"
REPLY = "Antwort auf Ihren Kommentar: "
CHANNELS = {
    "decisions": "immediate",
    "replies": "immediate",
    "my_ideas": "daily",
    "followed": "daily",
    "projects": "weekly",
}


# --- Helpers --------------------------------------------------------------------------


def summaries_to(user) -> list[OutboxMessage]:
    return [m for m in mails_to(user) if m.subject.startswith((DAILY, WEEKLY))]


def summary_recipients() -> Counter:
    return Counter(m.recipient for m in outbox() if m.subject.startswith((DAILY, WEEKLY)))


def run_command(runner) -> str:
    """`flask notifications summaries`, as cron runs it."""
    result = runner.invoke(args=["notifications", "summaries"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def morning(days_from_today: int) -> datetime:
    """A run of the command in the early morning of a day to come (naive UTC)."""
    day = notification_settings.local_day() + timedelta(days=days_from_today)
    return datetime.combine(day, time(5, 0))


def text_sections(body: str) -> dict[str, str]:
    """The plain text of a summary: what is listed under each heading."""
    parts = re.split(r"^== (.+) ==$", body, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def html_sections(html: str) -> dict[str, tuple[str, str]]:
    """The HTML of a summary: each heading's link target and what follows it."""
    parts = re.split(r'<h2[^>]*><a href="([^"]+)"[^>]*>([^<]+)</a></h2>', html)
    return {parts[i + 1]: (parts[i], parts[i + 2]) for i in range(1, len(parts), 3)}


def choose_channels(browser, **changes) -> None:
    """Save the preferences page with these channels (the others as they are by default)."""
    data = {**CHANNELS, **changes}
    response = browser.submit(PREFERENCES, data)
    assert response.status_code == 302, html_of(response)[:500]
    assert "Ihre Einstellungen sind gespeichert." in main_of(browser.get(PREFERENCES))


def publish_update(browser, project, title: str, body: str) -> None:
    response = browser.submit(
        f"/pipeline/projects/{project.id}/updates/new", {"title": title, "body": body}
    )
    assert response.status_code == 302, html_of(response)[:500]


def follow_project(browser, project) -> None:
    response = browser.submit(
        f"/projects/{project.id}/follow", {}, form_page=f"/projects/{project.id}"
    )
    assert response.status_code == 302


@pytest.fixture
def discussion(as_user):
    """Paula follows two ideas and wrote a third; others discuss all three today."""
    paula = create_user(email="paula@example.org", display_name="Paula P.")
    radweg = create_idea(title="Radweg an der Ems")
    bank = create_idea(title="Bänke am Marktplatz")
    her_own = create_idea(paula, title="Trinkbrunnen im Stadtpark")
    browser = as_user(paula)
    follow(browser, radweg)
    follow(browser, bank)
    ben = as_user(create_user(display_name="Ben B."))
    cara = as_user(create_user(display_name="Cara C."))
    write_comment(ben, radweg, "Bitte mit Beleuchtung.")
    write_comment(cara, bank, "Mit Lehne, bitte.")
    write_comment(cara, radweg, "Und mit Abstellbügeln am Ende.")
    write_comment(ben, her_own, "Auch für Hunde, bitte.")
    return paula, browser, (radweg, bank, her_own)


# --- 1. The daily summary -------------------------------------------------------------


def test_the_daily_summary_lists_everything_once_grouped_by_idea(discussion, runner, monkeypatch):
    paula, _browser, (radweg, _bank, _her_own) = discussion
    assert len(notifications_of(paula)) == 4
    assert mails_to(paula) == [], "followed ideas and own ideas come in the summary by default"

    output = run_command(runner)

    assert "Zusammenfassungen in den Ausgang gelegt" in output
    [mail] = mails_to(paula)
    assert mail.subject == "Ihre Tagesübersicht: 4 Neuigkeiten"
    assert "Guten Tag Paula P.," in mail.body
    sections = text_sections(mail.body)
    assert list(sections) == [
        "Radweg an der Ems",
        "Bänke am Marktplatz",
        "Trinkbrunnen im Stadtpark",
    ], "one heading per idea, in the order the news came in"
    assert "Ben B. hat die Idee „Radweg an der Ems“ kommentiert." in sections["Radweg an der Ems"]
    assert "Bitte mit Beleuchtung." in sections["Radweg an der Ems"]
    assert "Cara C. hat die Idee „Radweg an der Ems“ kommentiert." in sections["Radweg an der Ems"]
    assert "Und mit Abstellbügeln am Ende." in sections["Radweg an der Ems"]
    assert "Mit Lehne, bitte." in sections["Bänke am Marktplatz"]
    assert "Mit Lehne" not in sections["Radweg an der Ems"]
    assert (
        "Ben B. hat Ihre Idee „Trinkbrunnen im Stadtpark“ kommentiert."
        in sections["Trinkbrunnen im Stadtpark"]
    )
    html = html_sections(mail.html_body)
    assert list(html) == list(sections)
    link, radweg_html = html["Radweg an der Ems"]
    assert link == f"http://localhost/ideas/{radweg.id}"
    assert "Bitte mit Beleuchtung." in radweg_html and "Abstellbügeln" in radweg_html
    assert "Mit Lehne, bitte." in html["Bänke am Marktplatz"][1]
    assert read_stop_token(mail.unsubscribe_url.rsplit("/", 1)[1]) == (paula.id, "summary")
    assert f"Keine Zusammenfassungen mehr: {mail.unsubscribe_url}" in mail.body
    assert all(n.mailed_at is not None for n in notifications_of(paula))
    assert summary_recipients()[paula.email] == 1
    assert max(summary_recipients().values()) == 1, "nobody gets two summaries in one run"

    sent = []
    monkeypatch.setattr(mailer.LogMailer, "send", lambda self, message: sent.append(message))
    deliver_pending()
    [delivered] = [m for m in sent if m["To"] == paula.email]
    assert delivered["List-Unsubscribe"] == f"<{mail.unsubscribe_url}>"
    assert delivered["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = [part.get_content_type() for part in delivered.iter_parts()]
    assert parts == ["text/plain", "text/html"]


def test_a_second_run_the_same_day_and_a_quiet_next_day_send_nothing(discussion, runner):
    paula = discussion[0]
    run_command(runner)
    mails_after_first_run = len(outbox())

    output = run_command(runner)

    assert output.startswith("0 Zusammenfassungen in den Ausgang gelegt")
    assert len(outbox()) == mails_after_first_run
    report = send_summaries(now=morning(1))
    db.session.commit()
    assert (report.mails, report.notifications) == (0, 0)
    assert len(mails_to(paula)) == 1


def test_what_was_read_in_the_inbox_is_not_mailed(discussion, runner):
    paula, browser, (_radweg, bank, _her_own) = discussion
    about_bank = next(n for n in notifications_of(paula) if n.event.idea_id == bank.id)
    assert browser.get(f"{INBOX}/{about_bank.id}").status_code == 302  # opened: read

    run_command(runner)

    [mail] = mails_to(paula)
    assert mail.subject == "Ihre Tagesübersicht: 3 Neuigkeiten"
    assert "Bänke am Marktplatz" not in mail.body and "Mit Lehne" not in mail.body
    assert list(text_sections(mail.body)) == ["Radweg an der Ems", "Trinkbrunnen im Stadtpark"]
    read = next(n for n in notifications_of(paula) if n.id == about_bank.id)
    assert read.read_at is not None and read.mailed_at is None


def test_a_category_kept_to_the_inbox_is_not_mailed(discussion, as_user, runner):
    paula, browser, (_radweg, bank, her_own) = discussion
    choose_channels(browser, followed="inbox")
    write_comment(as_user(create_user(display_name="Dora D.")), bank, "Und ein Mülleimer daneben.")

    run_command(runner)

    [mail] = mails_to(paula)
    assert mail.subject == "Ihre Tagesübersicht: 1 Neuigkeit"
    assert list(text_sections(mail.body)) == ["Trinkbrunnen im Stadtpark"]
    assert "Radweg" not in mail.body and "Mülleimer" not in mail.body
    followed = [n for n in notifications_of(paula) if n.category == "followed"]
    assert len(followed) == 4 and all(n.mailed_at is None for n in followed)
    assert "Und ein Mülleimer daneben." in main_of(browser.get(INBOX)), "still in the inbox"

    choose_channels(browser, followed="inbox", my_ideas="inbox")
    write_comment(as_user(create_user()), her_own, "Noch ein Kommentar.")
    assert send_summaries(now=morning(1)).mails == 0
    db.session.commit()
    assert len(mails_to(paula)) == 1


# --- 2. The weekly summary ------------------------------------------------------------


@pytest.fixture
def weekday_in_three_days(app, monkeypatch):
    """The weekly summaries' weekday is three days from today; returns that offset."""
    day = notification_settings.local_day() + timedelta(days=3)
    monkeypatch.setitem(app.config, "NOTIFICATION_WEEKLY_WEEKDAY", day.weekday())
    return 3


@pytest.fixture
def project_news(as_user):
    """Paula follows a project; returns her, her browser, the project and the team's browser."""
    team = create_user(roles=("team",))
    project = new_project(team, title="Mitfahrbänke im Kreis")
    paula = create_user(email="paula@example.org", display_name="Paula P.")
    browser = as_user(paula)
    follow_project(browser, project)
    return paula, browser, project, as_user(team)


def test_the_weekly_summary_goes_out_on_its_weekday_only(
    project_news, weekday_in_three_days, app, monkeypatch
):
    # The test travels more than two weeks; the news must stay within the window.
    monkeypatch.setitem(app.config, "NOTIFICATION_SUMMARY_DAYS", 30)
    paula, _browser, project, team = project_news
    weekday = weekday_in_three_days
    publish_update(team, project, "Die ersten zehn Bänke stehen", "In Rheine und Emsdetten.")
    [news] = notifications_of(paula)
    assert (news.category, news.mailed_at) == ("projects", None)

    for day in range(weekday):
        assert send_summaries(now=morning(day)).mails == 0, f"day {day}"
        db.session.commit()
    assert mails_to(paula) == []

    assert send_summaries(now=morning(weekday)).mails == 1
    db.session.commit()
    [mail] = mails_to(paula)
    assert mail.subject == "Ihre Wochenübersicht: 1 Neuigkeit"
    sections = text_sections(mail.body)
    assert list(sections) == ["Mitfahrbänke im Kreis"]
    assert "Die ersten zehn Bänke stehen" in sections["Mitfahrbänke im Kreis"]
    assert html_sections(mail.html_body)["Mitfahrbänke im Kreis"][0] == (
        f"http://localhost/projects/{project.id}"
    )
    assert notifications_of(paula)[0].mailed_at is not None

    # A week without news: nothing on the weekday; news the day after waits a week.
    assert send_summaries(now=morning(weekday + 7)).mails == 0
    db.session.commit()
    publish_update(team, project, "Zuschlag erteilt", "Es geht los.")
    for day in range(weekday + 8, weekday + 14):
        assert send_summaries(now=morning(day)).mails == 0, f"day {day}: not the weekday"
        db.session.commit()
    assert len(mails_to(paula)) == 1
    assert send_summaries(now=morning(weekday + 14)).mails == 1
    db.session.commit()
    latest = mails_to(paula)[-1]
    assert latest.subject == "Ihre Wochenübersicht: 1 Neuigkeit"
    assert "Zuschlag erteilt" in latest.body and "zehn Bänke" not in latest.body


def test_daily_and_weekly_news_due_on_one_day_come_in_one_mail(
    project_news, weekday_in_three_days, as_user
):
    paula, browser, project, team = project_news
    idea = create_idea(title="Radweg an der Ems")
    follow(browser, idea)
    publish_update(team, project, "Die ersten zehn Bänke stehen", "In Rheine und Emsdetten.")
    write_comment(as_user(create_user(display_name="Ben B.")), idea, "Bitte mit Beleuchtung.")
    for day in range(weekday_in_three_days):
        send_summaries(now=morning(day))
        db.session.commit()
    [daily] = mails_to(paula)
    assert daily.subject == "Ihre Tagesübersicht: 1 Neuigkeit"
    assert "Radweg an der Ems" in daily.body and "Mitfahrbänke" not in daily.body
    write_comment(as_user(create_user(display_name="Cara C.")), idea, "Und mit Bügeln.")

    send_summaries(now=morning(weekday_in_three_days))
    db.session.commit()

    [_, both] = mails_to(paula)
    assert both.subject == "Ihre Tagesübersicht: 2 Neuigkeiten"
    sections = text_sections(both.body)
    assert list(sections) == ["Radweg an der Ems", "Mitfahrbänke im Kreis"], "the day's first"
    assert "Die ersten zehn Bänke stehen" in sections["Mitfahrbänke im Kreis"]
    assert "Und mit Bügeln." in sections["Radweg an der Ems"]
    assert "Bitte mit Beleuchtung." not in both.body, "mailed the day before"
    assert list(html_sections(both.html_body)) == list(sections)
    assert all(n.mailed_at is not None for n in notifications_of(paula))


# --- 3. Moderators --------------------------------------------------------------------


@pytest.fixture
def waiting_in_towns(app, monkeypatch, as_user):
    """Pending contributions: two comments in Rheine, three things in Greven, one in Ochtrup."""
    monkeypatch.setitem(app.config, "COMMENTS_PREMODERATED", True)
    in_rheine = create_idea(municipality="rheine", title="Bücherschrank in Rheine")
    in_greven = create_idea(municipality="greven", title="Boule-Platz in Greven")
    writer = as_user(create_user())
    write_comment(writer, in_rheine, "Gern auch mit Kinderbüchern.")
    write_comment(writer, in_rheine, "Und eine Bank davor.")
    write_comment(writer, in_greven, "Mit Flutlicht?")
    create_idea(municipality="greven", state="pending")
    create_idea(municipality="greven", state="pending")
    create_idea(municipality="ochtrup", state="pending")


def test_moderators_hear_daily_what_waits_in_their_towns(waiting_in_towns, as_user, runner):
    rheine = create_user(email="rheine@example.org", roles=("moderator:rheine",))
    greven = create_user(email="greven@example.org", roles=("moderator:greven",))
    ochtrup = create_user(email="ochtrup@example.org", roles=("moderator:ochtrup",))
    district = create_user(email="kreis@example.org", roles=("moderator",))
    laer = create_user(email="laer@example.org", roles=("moderator:laer",))
    no_reminder = create_user(email="still@example.org", roles=("moderator:rheine",))
    choose_channels(as_user(no_reminder), staff="inbox")

    run_command(runner)

    expected = {rheine: 2, greven: 3, district: 6}
    for moderator, waiting in expected.items():
        [mail] = mails_to(moderator)
        assert mail.subject == "Ihre Tagesübersicht: Es wartet Arbeit auf Sie"
        assert f"In Ihrem Bereich warten {waiting} Beiträge auf die Moderation:" in mail.body
        assert "http://localhost/moderation" in mail.body
        assert f"warten {waiting} Beiträge auf die Moderation." in mail.html_body
        assert "Neuigkeit" not in mail.body
    [single] = mails_to(ochtrup)
    assert "In Ihrem Bereich wartet 1 Beitrag auf die Moderation:" in single.body
    assert mails_to(laer) == [], "nothing waits in Laer"
    assert mails_to(no_reminder) == [], "the reminder is switched off"
    assert settings_row(laer) is None or settings_row(laer).daily_summary_on is None

    run_command(runner)
    assert summary_recipients() == Counter(
        {rheine.email: 1, greven.email: 1, district.email: 1, ochtrup.email: 1}
    ), "once a day"


def test_a_moderator_with_nothing_waiting_gets_no_mail(as_user, runner):
    moderator = create_user(roles=("moderator:rheine",))
    create_idea(municipality="greven", state="pending")  # not in his town

    run_command(runner)

    assert mails_to(moderator) == []
    assert "0 Zusammenfassungen" in run_command(runner)


# --- 4. The daily ceiling -------------------------------------------------------------


def test_over_the_daily_ceiling_replies_wait_for_the_summary(app, monkeypatch, as_user, runner):
    monkeypatch.setitem(app.config, "NOTIFICATION_MAILS_PER_DAY", 3)
    paula = create_user(email="paula@example.org", display_name="Paula P.")
    idea = create_idea(title="Radweg an der Ems")
    top = write_comment(as_user(paula), idea, "Wer fährt hier jeden Tag?")
    names = ["Anna", "Ben", "Cara", "Dora", "Emil"]
    for name in names:
        write_comment(as_user(create_user(display_name=name)), idea, f"Ich, {name}.", parent=top)

    replies = notifications_of(paula)
    assert [n.category for n in replies] == ["replies"] * 5
    at_once = mails_to(paula)
    assert [m.subject for m in at_once] == [REPLY + "Radweg an der Ems"] * 2
    assert "Anna hat auf Ihren Kommentar" in at_once[0].body
    assert "Ben hat auf Ihren Kommentar" in at_once[1].body
    assert [n.mailed_at is not None for n in replies] == [True, True, False, False, False]

    run_command(runner)

    mails = mails_to(paula)
    assert len(mails) == 3, "the ceiling counts the summary too"
    summary = mails[-1]
    assert summary.subject == "Ihre Tagesübersicht: 3 Neuigkeiten"
    for name in ("Cara", "Dora", "Emil"):
        assert f"{name} hat auf Ihren Kommentar zur Idee „Radweg an der Ems“ geantwortet." in (
            summary.body
        )
    assert "Anna hat" not in summary.body and "Ben hat" not in summary.body
    assert all(n.mailed_at is not None for n in notifications_of(paula))
    row = settings_row(paula)
    assert (row.mail_day, row.mails_on_day) == (notification_settings.local_day(), 3)

    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr(notification_settings, "utcnow", lambda: tomorrow)
    for name in ("Franz", "Greta", "Hanna"):
        write_comment(as_user(create_user(display_name=name)), idea, f"Ich, {name}.", parent=top)
    new_mails = mails_to(paula)[3:]
    assert [m.subject for m in new_mails] == [REPLY + "Radweg an der Ems"] * 2, "a new day"
    assert "Franz hat" in new_mails[0].body and "Greta hat" in new_mails[1].body
    row = settings_row(paula)
    assert (row.mail_day, row.mails_on_day) == (notification_settings.local_day(), 2)
    assert notifications_of(paula)[-1].mailed_at is None, "Hanna's reply waits"


def test_with_a_ceiling_of_one_only_the_summary_is_mailed(app, monkeypatch, as_user, runner):
    monkeypatch.setitem(app.config, "NOTIFICATION_MAILS_PER_DAY", 1)
    paula = create_user(email="paula@example.org")
    idea = create_idea(title="Radweg an der Ems")
    top = write_comment(as_user(paula), idea, "Wer fährt hier jeden Tag?")
    write_comment(as_user(create_user(display_name="Anna")), idea, "Ich.", parent=top)

    assert mails_to(paula) == [], "the one place is kept for the summary"
    run_command(runner)

    [summary] = mails_to(paula)
    assert summary.subject == "Ihre Tagesübersicht: 1 Neuigkeit"
    assert "Anna hat auf Ihren Kommentar" in summary.body
    assert settings_row(paula).mails_on_day == 1


# --- 5. Two runs ----------------------------------------------------------------------


@pytest.fixture
def many_waiting(as_user):
    """Thirty followers of an idea with a new comment, its author, and two moderators whose
    towns have work: each of them is due one summary."""
    author = create_user()
    idea = create_idea(author, municipality="rheine", title="Radweg an der Ems")
    followers = [create_user() for _ in range(30)]
    for person in followers:
        ideas.follow_idea(person, idea)
    db.session.commit()
    write_comment(as_user(create_user()), idea, "Bitte mit Beleuchtung.")
    create_idea(municipality="rheine", state="pending")
    moderators = [create_user(roles=("moderator:rheine",)) for _ in range(2)]
    return [author, *followers, *moderators]


def assert_one_summary_each(people) -> None:
    assert summary_recipients() == Counter({person.email: 1 for person in people})
    db.session.expire_all()
    waiting = select(OutboxMessage).where(OutboxMessage.subject.startswith(DAILY))
    assert len(db.session.scalars(waiting).all()) == len(people)
    for person in people[:-2]:
        assert [n.mailed_at is not None for n in notifications_of(person)] == [True]


def test_running_twice_in_a_row_sends_each_summary_once(many_waiting):
    now = utcnow()
    first = send_summaries(now=now)
    db.session.commit()
    second = send_summaries(now=now)
    db.session.commit()

    assert (first.mails, first.notifications) == (33, 31)
    assert (second.mails, second.notifications) == (0, 0)
    assert_one_summary_each(many_waiting)


@pytest.fixture
def pg_app(app, make_app):
    """A second app on the same PostgreSQL database, for runs in threads of their own."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so it cannot show races")
    return make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 4, "max_overflow": 0})


def test_two_runs_at_the_same_moment_send_each_summary_once(pg_app, many_waiting):
    # Stored settings, as after earlier summaries: no first INSERT serialises the runs.
    ensure_settings([person.id for person in many_waiting])
    db.session.commit()
    now = utcnow()
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run() -> None:
        try:
            with pg_app.app_context():
                barrier.wait(timeout=30)
                reports.append(send_summaries(now=now))
                db.session.commit()
        except BaseException as error:
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads), "a run hangs"
    assert errors == []
    assert sum(r.mails for r in reports) == 33
    assert sum(r.notifications for r in reports) == 31
    assert_one_summary_each(many_waiting)


def test_one_failing_summary_does_not_stop_the_others(app, runner, monkeypatch):
    from participation.notifications import summaries

    first = create_user("erste@example.org")
    second = create_user("zweite@example.org")
    for person in (first, second):
        idea = create_idea(person, title=f"Idee von {person.display_name}")
        ideas.add_comment(create_user(f"k-{person.id}@example.org"), idea, "Gute Idee")
    db.session.commit()
    failing_id = first.id
    real = summaries._summarise

    def fail_for_first(user_id, today, now):
        if user_id == failing_id:
            raise RuntimeError("Vorlage kaputt")
        return real(user_id, today, now)

    monkeypatch.setattr(summaries, "_summarise", fail_for_first)

    result = runner.invoke(args=["notifications", "summaries"])

    assert result.exit_code == 1
    assert "1 Zusammenfassungen in den Ausgang gelegt" in result.output
    assert "1 fehlgeschlagen" in result.output
    assert [m.recipient for m in outbox()] == ["zweite@example.org"]
