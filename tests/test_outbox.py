"""The e-mail outbox: written with the event, delivered by `flask outbox send`."""

import logging
import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from participation.accounts import views as account_views
from participation.accounts.models import User
from participation.extensions import db
from participation.notifications.services import deliver_pending
from participation.timeutil import utcnow
from tests.factories import count_rows, create_user, link_from, outbox

CONFIRM_SUBJECT = "Bitte bestätigen Sie Ihre E-Mail-Adresse"


def register(browser, email: str = "anna@example.org"):
    return browser.submit(
        "/register",
        {
            "kind": "resident",
            "email": email,
            "display_name": "Anna M.",
            "password": "ein langes Passwort",
            "password_confirm": "ein langes Passwort",
            "municipality": "0",
            "accept_privacy": "y",
        },
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp_server(smtp_port):
    """Start with `smtp_server()`: a real SMTP server on smtp_port, stopped after the test."""
    started = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        started.append(controller)
        return inbox

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def mail_url(app, monkeypatch, smtp_port):
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{smtp_port}")
    monkeypatch.setitem(app.config, "MAIL_FROM", "Zukunft ST <beteiligung@kreis.example>")


def send(runner):
    return runner.invoke(args=["outbox", "send"])


# --- written with the event -----------------------------------------------------------


def test_registration_writes_the_mail_but_sends_nothing_itself(browser):
    register(browser)
    [mail] = outbox()
    assert (mail.recipient, mail.subject) == ("anna@example.org", CONFIRM_SUBJECT)
    assert mail.sent_at is None and mail.attempts == 0


def test_failed_registration_leaves_neither_account_nor_mail(browser, monkeypatch):
    original = account_views.render_template

    def fail_after_the_service(template, **context):
        if template == "accounts/check_mail.html":
            raise RuntimeError("Fehler nach dem Speichern")
        return original(template, **context)

    monkeypatch.setattr(account_views, "render_template", fail_after_the_service)
    response = register(browser)
    assert response.status_code == 500
    assert count_rows(User) == 0
    assert outbox() == []


# --- delivery -------------------------------------------------------------------------


def test_without_mail_url_messages_go_to_the_log(browser, runner, caplog):
    register(browser)
    with caplog.at_level(logging.INFO, logger="participation.mail"):
        result = send(runner)
    assert result.exit_code == 0, result.output
    assert "1 gesendet, 0 fehlgeschlagen (später erneut), 0 aufgegeben." in result.output
    [mail] = outbox()
    [record] = [r for r in caplog.records if r.name == "participation.mail"]
    logged = record.getMessage()
    assert "anna@example.org" in logged
    assert CONFIRM_SUBJECT in logged
    assert link_from(mail, "/confirm/") in logged
    assert mail.sent_at is not None
    assert mail.attempts == 1

    caplog.clear()
    again = send(runner)
    assert "0 gesendet" in again.output
    assert not [r for r in caplog.records if r.name == "participation.mail"]


@pytest.mark.usefixtures("mail_url")
def test_mail_arrives_at_the_smtp_server(browser, runner, smtp_server):
    inbox = smtp_server()
    register(browser)
    result = send(runner)
    assert result.exit_code == 0, result.output
    [(recipients, message)] = inbox.messages
    assert recipients == ["anna@example.org"]
    assert message["To"] == "anna@example.org"
    assert message["From"] == "Zukunft ST <beteiligung@kreis.example>"
    assert message["Subject"] == CONFIRM_SUBJECT
    body = message.get_content()
    assert "Guten Tag Anna M.," in body
    [mail] = outbox()
    assert link_from(mail, "/confirm/") in body
    assert mail.sent_at is not None


@pytest.mark.usefixtures("mail_url")
def test_unreachable_server_keeps_the_mail_for_a_later_run(browser, runner, smtp_server):
    register(browser)
    before = utcnow()
    failed = send(runner)
    assert failed.exit_code == 1
    assert "0 gesendet, 1 fehlgeschlagen (später erneut), 0 aufgegeben." in failed.output
    [mail] = outbox()
    assert mail.sent_at is None and mail.failed_at is None
    assert mail.attempts == 1
    assert "ConnectionRefusedError" in mail.last_error
    assert mail.next_attempt_at >= before + timedelta(minutes=1)

    # Not due yet: the next run leaves it alone.
    assert "0 gesendet, 0 fehlgeschlagen" in send(runner).output
    assert outbox()[0].attempts == 1

    inbox = smtp_server()
    mail.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    delivered = send(runner)
    assert delivered.exit_code == 0, delivered.output
    assert "1 gesendet" in delivered.output
    [mail] = outbox()
    assert mail.sent_at is not None
    assert mail.attempts == 2
    assert [recipients for recipients, _ in inbox.messages] == [["anna@example.org"]]


@pytest.mark.usefixtures("mail_url")
def test_retries_back_off_and_finally_give_up(app, browser):
    register(browser)
    now = utcnow()
    waits = []
    for _ in range(app.config["MAIL_MAX_ATTEMPTS"] - 1):
        report = deliver_pending(now=now)
        assert report.failed == 1
        [mail] = outbox()
        waits.append(mail.next_attempt_at - now)
        now = mail.next_attempt_at
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15)]
    assert waits == sorted(waits)

    report = deliver_pending(now=now)
    assert report.given_up == 1
    [mail] = outbox()
    assert mail.failed_at == now
    assert mail.attempts == app.config["MAIL_MAX_ATTEMPTS"]
    assert deliver_pending(now=now + timedelta(days=30)).given_up == 0
    assert outbox()[0].attempts == app.config["MAIL_MAX_ATTEMPTS"]


@pytest.mark.usefixtures("mail_url")
def test_one_failing_message_does_not_block_the_others(browser, runner, smtp_server, monkeypatch):
    create_user("berta@example.org")
    inbox = smtp_server()
    register(browser, "anna@example.org")
    browser.submit("/password/forgot", {"email": "berta@example.org"})

    from participation.notifications import mailer

    real_send = mailer.SmtpMailer.send

    def refuse_anna(self, sender, recipient, subject, body):
        if recipient == "anna@example.org":
            raise OSError("Postfach voll")
        return real_send(self, sender, recipient, subject, body)

    monkeypatch.setattr(mailer.SmtpMailer, "send", refuse_anna)
    result = send(runner)
    assert result.exit_code == 1
    assert "1 gesendet, 1 fehlgeschlagen" in result.output
    assert [recipients for recipients, _ in inbox.messages] == [["berta@example.org"]]
    anna, berta = outbox()
    assert anna.sent_at is None and anna.last_error == "OSError: Postfach voll"
    assert berta.sent_at is not None
