"""Log lines as text or JSON, each with the id of the request it belongs to.

The id comes from the `X-Request-ID` header nginx sets (`proxy_set_header X-Request-ID
$request_id`), so its access log and ours name the same request; a header that does not
look like an id is replaced, as it would end up verbatim in every line of the request.
"""

import copy
import json
import logging
import re
import sys
import uuid
from datetime import datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# What an access line adds to a record (log_access); nothing else of a record is copied.
ACCESS_FIELDS = ("method", "path", "endpoint", "status", "duration_ms")
MAX_LOGGED_PATH = 500

access_logger = logging.getLogger("participation.access")


def request_id_from(sent: str | None) -> str:
    """The proxy's id for a request when it is a plain token, else a new one."""
    return sent if sent and REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex


def incoming_request_id() -> str:
    return request_id_from(request.headers.get("X-Request-ID"))


def current_request_id() -> str | None:
    if not has_request_context():
        return None
    return g.get("request_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: control characters in messages are escaped, so no
    message can start a line of its own."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created)
            .astimezone()
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        entry.update(
            {name: getattr(record, name) for name in ACCESS_FIELDS if name in vars(record)}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        record = copy.copy(record)  # other handlers see the record as it was logged
        record.request_id = getattr(record, "request_id", None) or current_request_id() or "-"
        return super().format(record)


def log_handler(log_format: str, stream=None) -> logging.Handler:
    """A handler writing to `stream` (stderr) in the given format."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.participation = True  # ours, replaced when another app is made in this process
    return handler


def configure_logging(app: Flask) -> None:
    """Log INFO and above to stderr in LOG_FORMAT, through the root logger.

    Left alone: tests (pytest captures the records) and a root logger that someone else
    configured, e.g. gunicorn's --log-config: the operator's choice wins.
    """
    log_format = app.config["LOG_FORMAT"]
    if log_format not in LOG_FORMATS:
        raise RuntimeError(f"LOG_FORMAT muss „text“ oder „json“ sein, nicht „{log_format}“.")
    root = logging.getLogger()
    if not app.testing and all(getattr(h, "participation", False) for h in root.handlers):
        for handler in list(root.handlers):
            root.removeHandler(handler)
        root.addHandler(log_handler(log_format))
        root.setLevel(logging.INFO)
    # After the root handler: Flask gives app.logger a handler of its own when none is there.
    app.logger.setLevel(logging.INFO)


def logged_path() -> str:
    """The path without the query string (search terms, tokens), with the tokens of mailed
    links blanked out: whoever reads the log must not be able to use them."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if "token" in name and isinstance(value, str) and value:
            path = path.replace(value, "[token]")
    return path if len(path) <= MAX_LOGGED_PATH else path[:MAX_LOGGED_PATH] + "…"


def log_access(endpoint: str, status: int, seconds: float) -> None:
    write_access_line(request.method, logged_path(), endpoint, status, seconds)


def write_access_line(
    method: str, path: str, endpoint: str, status: int, seconds: float, request_id=None
) -> None:
    """The access line: no address, no cookies, no query string, nothing of the body.
    `request_id` outside a Flask request (pages answered by a middleware)."""
    duration_ms = round(seconds * 1000, 1)
    fields = {
        "method": method,
        "path": path,
        "endpoint": endpoint,
        "status": status,
        "duration_ms": duration_ms,
    }
    if request_id:
        fields["request_id"] = request_id
    access_logger.info("%s %s %s %.1f ms", method, path, status, duration_ms, extra=fields)
