"""The e-mail outbox: written with the event, delivered by `flask outbox send`."""

import logging
import shlex
import shutil
import socket
import ssl
import subprocess
from datetime import UTC, timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from participation.accounts import views as account_views
from participation.accounts.models import User
from participation.extensions import db
from participation.ideas.services import publish_idea
from participation.outbox.services import deliver_pending
from participation.timeutil import utcnow
from tests.factories import count_rows, create_idea, create_user, link_from, outbox

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
    """aiosmtpd handler that keeps every message it receives, and every login."""

    def __init__(self):
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        encrypted = server.transport.get_extra_info("ssl_object") is not None or bool(session.ssl)
        self.logins.append((auth_data.login.decode(), auth_data.password.decode(), encrypted))
        return AuthResult(success=True)


class BusyInbox(Inbox):
    """Refuses the first message with a temporary error, then takes everything."""

    def __init__(self):
        super().__init__()
        self.refused = []

    async def handle_DATA(self, server, session, envelope):
        if not self.refused:
            self.refused.append(message_from_bytes(envelope.content, policy=default_policy))
            return "451 4.3.0 Bitte später erneut"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp_server(smtp_port):
    """Start with `smtp_server()`: a real SMTP server on smtp_port, stopped after the test."""
    started = []

    def start(inbox: Inbox | None = None, auth: bool = False, **options) -> Inbox:
        inbox = inbox or Inbox()
        if auth:
            options["authenticator"] = inbox.authenticate
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port, **options)
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


@pytest.fixture
def mail_login(app, monkeypatch, smtp_port):
    """MAIL_URL with a user and password (smtp:// unless told otherwise)."""

    def use(scheme: str = "smtp") -> None:
        url = f"{scheme}://anna:geh%40im@127.0.0.1:{smtp_port}"
        monkeypatch.setitem(app.config, "MAIL_URL", url)

    monkeypatch.setitem(app.config, "MAIL_FROM", "Zukunft ST <beteiligung@kreis.example>")
    use()
    return use


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (certificate file, key file)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl fehlt")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = shlex.split(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
        " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
    )
    subprocess.run(
        [*command, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def server_tls(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def trust_certificate(monkeypatch, certificate):
    """Trust the test certificate the way an operator trusts an own CA (SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))


def make_due(mail) -> None:
    mail.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


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
def test_mail_arrives_at_the_smtp_server(app, browser, runner, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "moderation@kreis.example")
    inbox = smtp_server()
    register(browser)
    result = send(runner)
    assert result.exit_code == 0, result.output
    [(recipients, message)] = inbox.messages
    assert recipients == ["anna@example.org"]
    assert message["To"] == "anna@example.org"
    assert message["From"] == "Zukunft ST <beteiligung@kreis.example>"
    assert message["Reply-To"] == "moderation@kreis.example"
    assert message["Subject"] == CONFIRM_SUBJECT
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    body = message.get_body(("plain",)).get_content()
    assert "Guten Tag Anna M.," in body
    [mail] = outbox()
    assert link_from(mail, "/confirm/") in body
    assert link_from(mail, "/confirm/") in message.get_body(("html",)).get_content()
    assert mail.sent_at is not None
    # A mail about one's account is not news: nothing to unsubscribe from.
    assert mail.unsubscribe_url is None
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None


@pytest.mark.usefixtures("mail_url")
def test_a_notification_mail_offers_one_click_unsubscribing(runner, smtp_server):
    inbox = smtp_server()
    author = create_user("anna@example.org")
    idea = create_idea(author, state="pending", title="Ein Dorfladen für Laer")
    publish_idea(create_user(roles=("moderator",)), idea)
    db.session.commit()

    assert send(runner).exit_code == 0
    [(_recipients, message)] = inbox.messages
    [mail] = outbox()
    assert mail.unsubscribe_url.startswith("http://localhost/benachrichtigungen/abbestellen/")
    assert message["List-Unsubscribe"] == f"<{mail.unsubscribe_url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "„Ein Dorfladen für Laer“ ist freigegeben" in message.get_body(("plain",)).get_content()
    assert "„Ein Dorfladen für Laer“ ist freigegeben" in message.get_body(("html",)).get_content()


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

    from participation.outbox import mailer

    real_send = mailer.SmtpMailer.send

    def refuse_anna(self, message):
        if message["To"] == "anna@example.org":
            raise OSError("Postfach voll")
        return real_send(self, message)

    monkeypatch.setattr(mailer.SmtpMailer, "send", refuse_anna)
    result = send(runner)
    assert result.exit_code == 1
    assert "1 gesendet, 1 fehlgeschlagen" in result.output
    assert [recipients for recipients, _ in inbox.messages] == [["berta@example.org"]]
    anna, berta = outbox()
    assert anna.sent_at is None and anna.last_error == "OSError: Postfach voll"
    assert berta.sent_at is not None


# --- headers and transport security ---------------------------------------------------


@pytest.mark.usefixtures("mail_url")
def test_every_mail_has_a_date_and_a_message_id_that_a_retry_keeps(browser, runner, smtp_server):
    create_user("berta@example.org")
    inbox = smtp_server(BusyInbox())
    register(browser, "anna@example.org")
    browser.submit("/password/forgot", {"email": "berta@example.org"})

    first = send(runner)
    assert first.exit_code == 1
    assert "1 gesendet, 1 fehlgeschlagen" in first.output
    [refused] = inbox.refused
    anna, berta = outbox()
    assert anna.sent_at is None and "451" in anna.last_error
    assert berta.sent_at is not None

    make_due(anna)
    assert send(runner).exit_code == 0
    [(_, to_berta), (_, to_anna)] = inbox.messages
    assert to_anna["Message-ID"] == refused["Message-ID"]
    assert to_anna["Message-ID"] != to_berta["Message-ID"]
    for message in (to_anna, to_berta):
        assert message["Message-ID"].startswith("<")
        assert message["Message-ID"].endswith("@kreis.example>")
    anna, berta = outbox()
    assert to_anna["Date"].datetime == anna.created_at.replace(tzinfo=UTC, microsecond=0)
    assert to_berta["Date"].datetime == berta.created_at.replace(tzinfo=UTC, microsecond=0)


@pytest.mark.usefixtures("mail_login")
def test_credentials_and_mail_are_never_sent_without_starttls(browser, runner, smtp_server):
    # The server (or someone in between) hides STARTTLS and offers AUTH in clear text.
    inbox = smtp_server(auth=True, auth_require_tls=False)
    register(browser)
    result = send(runner)
    assert result.exit_code == 1
    assert "0 gesendet, 1 fehlgeschlagen (später erneut), 0 aufgegeben." in result.output
    assert inbox.logins == [] and inbox.messages == []
    [mail] = outbox()
    assert mail.sent_at is None and mail.failed_at is None
    assert mail.attempts == 1
    assert "Der Mailserver bietet kein STARTTLS an" in mail.last_error
    assert "nicht unverschlüsselt gesendet" in mail.last_error


@pytest.mark.usefixtures("mail_url")
def test_a_relay_without_credentials_is_used_without_tls(browser, runner, smtp_server):
    inbox = smtp_server(auth=True, auth_require_tls=False)
    register(browser)
    result = send(runner)
    assert result.exit_code == 0, result.output
    assert inbox.logins == []
    assert [recipients for recipients, _ in inbox.messages] == [["anna@example.org"]]
    assert outbox()[0].sent_at is not None


@pytest.mark.usefixtures("mail_login", "trust_certificate")
def test_credentials_are_sent_after_starttls(browser, runner, smtp_server, server_tls):
    inbox = smtp_server(auth=True, tls_context=server_tls, require_starttls=True)
    register(browser)
    result = send(runner)
    assert result.exit_code == 0, result.output
    assert inbox.logins == [("anna", "geh@im", True)]
    [(recipients, message)] = inbox.messages
    assert recipients == ["anna@example.org"]
    assert message["Subject"] == CONFIRM_SUBJECT
    assert outbox()[0].sent_at is not None


def test_smtps_accepts_only_a_trusted_certificate(
    browser, runner, smtp_server, server_tls, mail_login, monkeypatch, certificate
):
    mail_login("smtps")
    # aiosmtpd cannot tell that implicit TLS is on, so it must offer AUTH regardless.
    inbox = smtp_server(auth=True, auth_require_tls=False, ssl_context=server_tls)
    register(browser)
    refused = send(runner)
    assert refused.exit_code == 1
    assert inbox.logins == [] and inbox.messages == []
    [mail] = outbox()
    assert mail.sent_at is None
    assert "CERTIFICATE_VERIFY_FAILED" in mail.last_error

    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    make_due(mail)
    delivered = send(runner)
    assert delivered.exit_code == 0, delivered.output
    assert inbox.logins == [("anna", "geh@im", True)]
    assert [recipients for recipients, _ in inbox.messages] == [["anna@example.org"]]
    [mail] = outbox()
    assert mail.sent_at is not None and mail.attempts == 2
