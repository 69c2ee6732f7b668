"""Monitoring: log lines with a request id, one access line and the Prometheus figures
per request, /metrics (README, "Überwachung")."""

from time import perf_counter

from flask import Flask, Response, current_app, g, request

from .logs import incoming_request_id, log_access
from .metrics import observe_request
from .views import allowed_networks


def init_observability(app: Flask) -> None:
    """Last in create_app: the request starts in the first hook of all and ends in the last."""
    app.extensions["metrics_networks"] = allowed_networks(app.config["METRICS_ALLOWED_ADDRESSES"])
    app.before_request_funcs.setdefault(None, []).insert(0, begin_request)
    # after_request hooks run in reverse order: the first in the list runs last, and so
    # sees the final status, also of error pages and of a 429 from the rate limits.
    app.after_request_funcs.setdefault(None, []).insert(0, end_request)


def begin_request() -> None:
    g.request_id = incoming_request_id()
    g.request_started = perf_counter()


def end_request(response: Response) -> Response:
    if "request_id" not in g:
        begin_request()  # a URL value preprocessor failed before the first hook ran
    response.headers["X-Request-ID"] = g.request_id
    endpoint = request.endpoint or "unknown"
    seconds = perf_counter() - g.request_started
    observe_request(endpoint, request.method, response.status_code, seconds)
    if current_app.config["ACCESS_LOG"]:
        log_access(endpoint, response.status_code, seconds)
    return response
