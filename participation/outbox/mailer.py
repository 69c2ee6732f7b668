"""Delivery backends: SMTP from MAIL_URL, or the log when no server is configured."""

import logging
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

logger = logging.getLogger("participation.mail")

NO_STARTTLS = (
    "Der Mailserver bietet kein STARTTLS an; Zugangsdaten werden nicht unverschlüsselt gesendet."
)


class InsecureServerError(smtplib.SMTPException):
    """The server would only take our credentials (and the mail) in clear text."""


def compose(
    sender: str,
    recipient: str,
    subject: str,
    body: str,
    *,
    message_id: str,
    date: datetime,
    html: str | None = None,
    reply_to: str | None = None,
    unsubscribe_url: str | None = None,
) -> EmailMessage:
    """One mail with the headers every mail needs; `date` is naive UTC, as stored.

    With `html`, plain text and HTML travel together (multipart/alternative). With an
    `unsubscribe_url`, mail programs offer one-click unsubscribing (RFC 8058): they
    POST `List-Unsubscribe=One-Click` to that address."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = format_datetime(date.replace(tzinfo=UTC))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    return message


class LogMailer:
    """Writes each message to the log, e.g. for local development."""

    def send(self, message: EmailMessage) -> None:
        logger.info(
            "E-Mail an %s\nBetreff: %s\n\n%s\n",
            message["To"],
            message["Subject"],
            (message.get_body(("plain",)) or message).get_content(),
        )


class SmtpMailer:
    """smtp://host:port or smtps://… (implicit TLS); certificates are always verified.

    With credentials in the URL, smtp:// requires STARTTLS: a server (or anyone in
    between) that hides it must not receive the password or the mail in clear. A
    relay without credentials (a local mail server) is used as it is.
    """

    def __init__(self, url: str, timeout: float = 10.0):
        parts = urlsplit(url)
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        with self._connect() as smtp:
            if not self.implicit_tls:
                self._start_tls(smtp)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            # Without a context, smtplib would accept any certificate.
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _start_tls(self, smtp: smtplib.SMTP) -> None:
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        elif self.username:
            raise InsecureServerError(NO_STARTTLS)


def mailer_for(url: str) -> LogMailer | SmtpMailer:
    return SmtpMailer(url) if url else LogMailer()
