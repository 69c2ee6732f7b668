"""The notification centre on a 360-px phone: the unread count in the header, the inbox,
one entry opened at its comment, everything marked read (by touch and by keyboard only),
a preference changed; axe finds nothing in the light and the dark theme, and nothing
scrolls sideways or is too small to tap."""

import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.services import add_comment, publish_idea
from participation.notifications.models import Notification, NotificationSettings
from participation.notifications.tokens import stop_token
from tests.browser.helpers import has_visible_focus, log_in, tab_to
from tests.browser.test_accessibility import assert_no_violations
from tests.browser.test_look_and_feel import layout_problems
from tests.factories import create_idea, create_user

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser
PHONE_360 = {"viewport": {"width": 360, "height": 740}}
INBOX = "/benachrichtigungen"
PREFERENCES = "/benachrichtigungen/einstellungen"


def news_for_rita():
    """Rita's idea is published by the moderation, two neighbours comment on it, and one
    answers her comment under another idea: four notifications, through the services."""
    rita = create_user(display_name="Rita Rheine", municipality="rheine")
    moderator = create_user(display_name="Mona Moderatorin", roles=("moderator",))
    anna, bernd, carla = (create_user(display_name=n) for n in ("Anna", "Bernd", "Carla"))
    idea = create_idea(rita, state="pending", title="Mitfahrbank am Marktplatz")
    other = create_idea(anna, title="Mehr Fahrradbügel am Bahnhof Rheine")
    publish_idea(moderator, idea)
    add_comment(anna, idea, "Gute Idee! Die Bank am Markt würde ich sofort nutzen.")
    add_comment(bernd, idea, "Vielleicht mit einem Schild, wohin man mitgenommen werden möchte?")
    hers = add_comment(rita, other, "Bitte auch überdachte Plätze für Lastenräder.")
    reply = add_comment(carla, other, "Stimmt, Lastenräder brauchen mehr Platz.", parent=hers)
    db.session.commit()
    return rita, other, reply


def unread_of(user) -> int:
    db.session.expire_all()
    query = select(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    return len(db.session.scalars(query).all())


def header_link(page):
    return page.get_by_role("navigation", name="Konto").get_by_role(
        "link", name=re.compile("Benachrichtigungen")
    )


def staff_with_work():
    """A moderator on the project team: an idea waits for moderation and for rating, and
    a neighbour commented on the staff member's own idea."""
    staff = create_user(display_name="Sven Stab", roles=("moderator", "team"))
    create_idea(state="pending", title="Bücherschrank am Bahnhof")
    own = create_idea(staff, title="Sitzbänke im Stadtpark")
    add_comment(create_user(display_name="Dora"), own, "Ja, bitte mit Lehne.")
    db.session.commit()
    return staff


def account_rows(page) -> int:
    """How many lines the account menu takes in the header."""
    tops = page.locator(".account-menu li").evaluate_all(
        "items => items.map((li) => Math.round(li.getBoundingClientRect().top))"
    )
    return len(set(tops))


def test_a_resident_reads_her_news_on_a_phone(new_phone):
    rita, other, reply = news_for_rita()
    page = new_phone(**PHONE_360)
    log_in(page, rita.email)

    bell = header_link(page)
    expect(bell).to_have_accessible_name("Benachrichtigungen 4 ungelesen")
    expect(bell.locator(".count-badge")).to_be_visible()
    assert account_rows(page) == 1, "Glocke, Mein Konto und Abmelden passen in eine Zeile"
    bell.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Benachrichtigungen")
    entries = page.locator(".notification")
    expect(entries).to_have_count(4)
    expect(entries.get_by_text("Neu", exact=True)).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name=re.compile("^Carla hat auf Ihren Kommentar")).click()

    page.wait_for_url(re.compile(rf"/ideas/{other.id}#kommentar-{reply.id}$"))
    expect(page.locator(f"#kommentar-{reply.id}")).to_be_in_viewport()
    expect(header_link(page)).to_have_accessible_name("Benachrichtigungen 3 ungelesen")
    assert unread_of(rita) == 3
    header_link(page).click()

    expect(entries.get_by_text("Neu", exact=True)).to_have_count(3)
    page.get_by_role("button", name="Alle als gelesen markieren").click()

    expect(page.get_by_text("Alle Benachrichtigungen sind als gelesen markiert.")).to_be_visible()
    expect(header_link(page)).to_have_accessible_name("Benachrichtigungen")
    expect(page.locator(".account-menu .count-badge")).to_have_count(0)
    expect(entries).to_have_count(4)
    expect(entries.get_by_text("Neu", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("als gelesen markieren"))).to_have_count(0)
    assert unread_of(rita) == 0


def test_a_resident_chooses_how_she_hears_of_replies(new_phone):
    rita, *_ = news_for_rita()
    page = new_phone(**PHONE_360)
    log_in(page, rita.email)
    page.goto(INBOX)
    page.locator("main").get_by_role("link", name="Einstellungen").click()

    replies = page.get_by_role("group", name="Antworten auf meine Kommentare")
    expect(replies.get_by_role("radio", name="E-Mail sofort")).to_be_checked()
    replies.get_by_text("Nur im Postfach auf der Website").click()  # the whole row is the target
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_text("Ihre Einstellungen sind gespeichert.")).to_be_visible()
    replies = page.get_by_role("group", name="Antworten auf meine Kommentare")
    expect(replies.get_by_role("radio", name="Nur im Postfach auf der Website")).to_be_checked()
    db.session.expire_all()
    saved = db.session.get(NotificationSettings, rita.id)
    assert (saved.replies, saved.decisions, saved.my_ideas) == ("inbox", "immediate", "daily")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_news_are_marked_read_with_the_keyboard_alone(new_phone):
    rita, *_ = news_for_rita()
    page = new_phone(**PHONE_360)
    log_in(page, rita.email)
    page.goto(INBOX)

    one = page.get_by_role("button", name=re.compile(r"^Als gelesen markieren ?: Bernd hat"))
    tab_to(page, one)
    assert has_visible_focus(one)
    page.keyboard.press("Enter")

    expect(page.locator(".notification.is-unread")).to_have_count(3)
    bernds = page.locator(".notification").filter(has_text="Bernd hat Ihre Idee")
    expect(bernds.get_by_text("Neu", exact=True)).to_have_count(0)
    assert unread_of(rita) == 3

    page.goto(INBOX)
    everything = page.get_by_role("button", name="Alle als gelesen markieren")
    tab_to(page, everything)
    assert has_visible_focus(everything)
    page.keyboard.press("Enter")

    expect(page.get_by_text("Alle Benachrichtigungen sind als gelesen markiert.")).to_be_visible()
    expect(page.locator(".notification.is-unread")).to_have_count(0)
    expect(page.locator(".account-menu .count-badge")).to_have_count(0)
    assert unread_of(rita) == 0


def visit_notification_pages(new_phone, check, **options) -> None:
    """The resident's inbox and preferences, the staff inbox with its waiting work and
    the staff preferences, and the page a mail's stop link opens; `check(page, path)` on each."""
    rita, *_ = news_for_rita()
    staff = staff_with_work()
    resident = new_phone(**PHONE_360, **options)
    log_in(resident, rita.email)
    for path in (INBOX, f"{INBOX}?ungelesen=1", PREFERENCES):
        check(resident, path)
    check(resident, f"{INBOX}/abbestellen/{stop_token(rita.id, 'replies')}")

    moderator = new_phone(**PHONE_360, **options)
    log_in(moderator, staff.email)
    check(moderator, INBOX)
    work = moderator.get_by_role("region", name="Wartet auf Sie")
    expect(work.get_by_role("link")).to_have_count(2)
    expect(moderator.locator(".notification.is-unread")).to_have_count(1)
    check(moderator, PREFERENCES)
    staff_news = moderator.get_by_role("group", name=re.compile("auf Bearbeitung wartet"))
    expect(staff_news).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_notification_pages(new_phone, scheme):
    def check(page, path: str) -> None:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"
        assert_no_violations(page)

    visit_notification_pages(new_phone, check, color_scheme=scheme)


@pytest.mark.parametrize("double_text", [False, True], ids=["360px", "360px-text-200"])
def test_the_notification_pages_fit_a_360_px_phone(new_phone, double_text):
    problems = []

    def check(page, path: str) -> None:
        problems.extend(layout_problems(page, path, double_text))

    visit_notification_pages(new_phone, check)
    assert not problems, "\n".join(problems)
