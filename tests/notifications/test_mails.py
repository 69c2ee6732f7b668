"""The mails of the notification centre as they leave: text and HTML, Markdown rendered
in one and readable in the other, the headers mail programs and filters look for."""

import pytest

from participation.outbox import services as outbox_service
from tests.factories import create_idea, create_user, outbox
from tests.moderation.helpers import post
from tests.notifications.helpers import PREFERENCES, mails_to, write_comment
from tests.pipeline.test_planning import new_project


class KeepingMailer:
    def __init__(self):
        self.sent = []

    def send(self, message) -> None:
        self.sent.append(message)

    def to(self, user) -> list:
        return [m for m in self.sent if m["To"] == user.email]


@pytest.fixture
def mailer(monkeypatch) -> KeepingMailer:
    """Delivery through the real outbox function, into a list instead of a server."""
    keeping = KeepingMailer()
    monkeypatch.setattr(outbox_service, "mailer_for", lambda url: keeping)
    return keeping


def parts(message) -> tuple[str, str]:
    """The text and the HTML of a delivered mail."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def reject_with_reason(as_user, reason: str):
    author = create_user(display_name="Anna Autorin")
    idea = create_idea(author, state="pending", title="Parkhaus am Bahnhof")
    moderator = as_user(create_user(roles=("moderator:rheine",)))
    url = f"/moderation/ideas/{idea.id}/reject"
    response = post(moderator, url, {"template": "0", "reason": reason}, page=url)
    assert response.status_code == 302
    return author, idea


def test_a_notification_mail_has_text_and_html_with_the_markdown_rendered(as_user, mailer):
    author, idea = reject_with_reason(
        as_user, "Das ist **wichtig**: Fuß- & Radweg fehlen, und 5 > 3."
    )
    [queued] = mails_to(author)
    assert "**" not in queued.body and "<strong>" not in queued.body

    outbox_service.deliver_pending()

    [message] = mailer.to(author)
    text, html = parts(message)
    assert "Das ist wichtig: Fuß- & Radweg fehlen, und 5 > 3." in text
    assert "**" not in text and "&amp;" not in text and "<strong>" not in text
    assert "<strong>wichtig</strong>" in html and "**" not in html
    assert "Fuß- &amp; Radweg fehlen" in html
    assert "Guten Tag Anna Autorin," in text and "Guten Tag Anna Autorin," in html
    assert f"http://localhost/ideas/{idea.id}" in text
    assert f'href="http://localhost/ideas/{idea.id}"' in html
    assert f"http://localhost{PREFERENCES}" in text


def test_what_people_write_is_shown_as_text_in_the_html_mail(as_user, mailer):
    author = create_user()
    idea = create_idea(author, title="Bänke am Emsufer")
    as_user(author).submit(PREFERENCES, {"my_ideas": "immediate"})
    body = 'Gute Idee <img src=x onerror="alert(1)"> und *schön*'

    write_comment(as_user(create_user()), idea, body)
    outbox_service.deliver_pending()

    [message] = mailer.to(author)
    text, html = parts(message)
    assert "<img" not in html and "&lt;img" in html
    assert "<em>schön</em>" in html
    assert 'Gute Idee <img src=x onerror="alert(1)"> und schön' in text


def test_project_news_in_markdown_arrive_rendered(as_user, mailer):
    team = create_user(roles=("team",))
    follower = create_user()
    project = new_project(team, title="Mitfahrbänke im Kreis")
    browser = as_user(follower)
    browser.submit(f"/projects/{project.id}/follow", {}, form_page=f"/projects/{project.id}")
    browser.submit(PREFERENCES, {"projects": "immediate"})

    as_user(team).submit(
        f"/pipeline/projects/{project.id}/updates/new",
        {"title": "Die ersten Bänke stehen", "body": "In **Rheine** stehen zehn Bänke."},
    )
    outbox_service.deliver_pending()

    [message] = mailer.to(follower)
    assert message["Subject"] == "Neues aus dem Projekt: Mitfahrbänke im Kreis"
    text, html = parts(message)
    assert "In Rheine stehen zehn Bänke." in text and "**" not in text
    assert "In <strong>Rheine</strong> stehen zehn Bänke." in html
    assert f"http://localhost/projects/{project.id}" in text


def test_notification_mails_carry_the_headers_for_mail_programs(app, as_user, mailer, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "moderation@kreis.example")
    monkeypatch.setitem(app.config, "MAIL_FROM", "Zukunft ST <beteiligung@kreis.example>")
    author, _idea = reject_with_reason(as_user, "Bitte genauer.")
    [queued] = outbox(author.email)

    outbox_service.deliver_pending()

    [message] = mailer.to(author)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Reply-To"] == "moderation@kreis.example"
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith(
        "@kreis.example>"
    )
    assert message["Date"]
    assert message["List-Unsubscribe"] == f"<{queued.unsubscribe_url}>"
    assert queued.unsubscribe_url.startswith("http://localhost/benachrichtigungen/abbestellen/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert f"Diese E-Mails abbestellen: {queued.unsubscribe_url}" in text
    assert f'href="{queued.unsubscribe_url}"' in html


def test_without_a_reply_address_there_is_no_reply_to(as_user, mailer):
    author, _idea = reject_with_reason(as_user, "Bitte genauer.")

    outbox_service.deliver_pending()

    [message] = mailer.to(author)
    assert message["Reply-To"] is None
    assert message["List-Unsubscribe"]


def test_account_mails_cannot_be_unsubscribed(browser, mailer):
    person = create_user("berta@example.org")

    browser.submit("/password/forgot", {"email": person.email})
    [queued] = outbox(person.email)
    assert queued.unsubscribe_url is None
    outbox_service.deliver_pending()

    [message] = mailer.to(person)
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None
    assert message["Auto-Submitted"] == "auto-generated"
    assert "/password/reset/" in message.get_body(("plain",)).get_content()
    assert "abbestellen" not in message.get_body(("plain",)).get_content()
