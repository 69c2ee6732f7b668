"""Prometheus metrics: request figures counted as requests end, queue lengths counted
when Prometheus asks.

With several gunicorn workers each one counts for itself. When PROMETHEUS_MULTIPROC_DIR
is set (before the workers start), prometheus_client writes every worker's counts to
files there and a scrape adds them up, whichever worker answers it. The queue lengths
are read from the database at the scrape, so they never go into those files.
"""

import os
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..ideas.models import Comment, CommentState, Idea, IdeaState
from ..moderation.models import Report
from ..outbox.models import OutboxMessage
from ..timeutil import utcnow

# Labels take few values only: the route's endpoint ("unknown" when none matched), never
# the path, and the usual methods; every other method any client may send is "other".
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

disable_created_metrics()  # a `_created` series next to every counter, never read here
REQUEST_METRICS = CollectorRegistry()
REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time until the response was ready, per endpoint",
    ["endpoint", "method"],
    buckets=BUCKETS,
    registry=REQUEST_METRICS,
)
REQUESTS = Counter(
    "http_requests",
    "Requests answered, per endpoint and status",
    ["endpoint", "method", "status"],
    registry=REQUEST_METRICS,
)
ERRORS = Counter(
    "http_request_errors",
    "Requests answered with a 5xx status (an unexpected error included)",
    ["endpoint", "method"],
    registry=REQUEST_METRICS,
)


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUEST_DURATION.labels(endpoint, method).observe(seconds)
    REQUESTS.labels(endpoint, method, str(status)).inc()
    if status >= 500:
        ERRORS.labels(endpoint, method).inc()


class QueueCollector:
    """The outbox and the moderation queue, counted afresh at each scrape."""

    def collect(self):
        try:
            figures = queue_figures()
        except SQLAlchemyError:
            db.session.rollback()
            yield GaugeMetricFamily("participation_database_up", "Database answered", value=0)
            return
        yield GaugeMetricFamily("participation_database_up", "Database answered", value=1)
        yield from figures


def queue_figures() -> list[GaugeMetricFamily]:
    waiting = (OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
    pending, oldest = db.session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(*waiting)
    ).one()
    failed = db.session.scalar(select(func.count()).where(OutboxMessage.failed_at.is_not(None)))
    queue = GaugeMetricFamily(
        "participation_moderation_queue",
        "Ideas and comments waiting for moderation, open reports",
        labels=["kind"],
    )
    for kind, count in moderation_counts().items():
        queue.add_metric([kind], count)
    return [
        GaugeMetricFamily("participation_outbox_pending", "Mails not yet sent", value=pending),
        GaugeMetricFamily("participation_outbox_failed", "Mails given up", value=failed),
        GaugeMetricFamily(
            "participation_outbox_oldest_pending_seconds",
            "Age of the oldest mail not yet sent (0: none waits)",
            value=_age(oldest),
        ),
        queue,
    ]


def moderation_counts() -> dict[str, int]:
    count = select(func.count())
    return {
        "idea": db.session.scalar(count.where(Idea.state == IdeaState.PENDING)),
        "comment": db.session.scalar(count.where(Comment.state == CommentState.PENDING)),
        "report": db.session.scalar(count.where(Report.resolved_at.is_(None))),
    }


def _age(since: datetime | None) -> float:
    return max((utcnow() - since).total_seconds(), 0.0) if since else 0.0


def scrape() -> tuple[bytes, str]:
    """The text Prometheus reads: request figures (of all workers) and queue lengths."""
    registry = CollectorRegistry()
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        MultiProcessCollector(registry, path=directory)
    else:
        registry.register(REQUEST_METRICS)
    registry.register(QueueCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST
