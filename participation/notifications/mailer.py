"""Delivery backends: SMTP from MAIL_URL, or the log when no server is configured."""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

logger = logging.getLogger("participation.mail")


class LogMailer:
    """Writes each message to the log, e.g. for local development."""

    def send(self, sender: str, recipient: str, subject: str, body: str) -> None:
        logger.info("E-Mail an %s\nBetreff: %s\n\n%s\n", recipient, subject, body)


class SmtpMailer:
    """smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (implicit TLS)."""

    def __init__(self, url: str, timeout: float = 10.0):
        parts = urlsplit(url)
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def send(self, sender: str, recipient: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = sender
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(body)
        with self._connect() as smtp:
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        return smtp


def mailer_for(url: str) -> LogMailer | SmtpMailer:
    return SmtpMailer(url) if url else LogMailer()
