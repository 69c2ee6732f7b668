"""Feedback on barriers ("Barriere melden"): a mail to the contact, a receipt to the sender.

Nothing is stored beyond the outbox: the report is a message to people, not content
of the site, so it needs no account and no moderation.
"""

from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

from flask import current_app

from ..links import external_url
from ..outbox.services import mailed_recently, queue_mail
from ..safe_redirect import is_local_path

REPORT_SUBJECT = "Barriere gemeldet"
RECEIPT_SUBJECT = "Ihre Meldung einer Barriere ist eingegangen"
# Anyone may type any address: at most one receipt an hour, so nobody can fill a
# stranger's inbox through this form (the rate limits count per sender, not per recipient).
RECEIPT_INTERVAL = timedelta(hours=1)


@dataclass(frozen=True)
class BarrierReport:
    place: str
    description: str
    email: str


def accessibility_contact() -> str:
    """The configured contact, or else the address the platform sends from."""
    config = current_app.config
    return config["ACCESSIBILITY_CONTACT"] or parseaddr(config["MAIL_FROM"])[1]


def page_from_query(value: str | None) -> str:
    """Prefill "Wo ist die Barriere?" only with a path of this site, never a foreign URL."""
    return value if is_local_path(value) and len(value) <= 300 else ""


def send_barrier_report(report: BarrierReport) -> None:
    """Queue the report for the contact and, when the sender gave an address, a receipt."""
    queue_mail(
        accessibility_contact(),
        REPORT_SUBJECT,
        "barrier_report",
        report=report,
        page_url=_page_url(report.place),
    )
    current_app.logger.info("Barriere gemeldet (%s Zeichen)", len(report.description))
    if report.email:
        _send_receipt(report.email.lower())


def _page_url(place: str) -> str:
    """A full link when the place is a path of this site, so the contact can open it."""
    return current_app.config["SITE_URL"] + place if is_local_path(place) else ""


def _send_receipt(recipient: str) -> None:
    if mailed_recently(recipient, RECEIPT_SUBJECT, RECEIPT_INTERVAL):
        current_app.logger.info("Eingangsbestätigung in dieser Stunde schon verschickt")
        return
    queue_mail(
        recipient,
        RECEIPT_SUBJECT,
        "barrier_receipt",
        statement_url=external_url("strategy.barrierefreiheit"),
    )
