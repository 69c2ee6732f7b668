"""Public pages for visitors without a session, kept for a short while, dropped at every write.

A visitor who sends no cookie sees the same page as every other such visitor, so the
rendered, compressed answer can be handed out again without touching Flask or the
database. The copies live in each worker process (PAGE_CACHE_SECONDS at most). Every
committed write to the tables public pages show raises a shared number, the
generation; a copy made under an older generation is not served again. The generation
lives in Redis when PAGE_CACHE_URI names one (several servers), else in the
modification time of a file (one server, several workers), or in memory (tests).

Views opt in with `@cached_for_visitors`; the answer is kept only when it is a 200 to
a GET without cookies that set no cookie and did not refuse caching (no-store).
"""

import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, current_app, has_app_context, request, session
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause
from werkzeug.http import parse_accept_header

log = logging.getLogger(__name__)

STORE_MARKER = "X-Page-Cache-Store"
MAX_BODY = 256 * 1024
# Writes to these tables never change what a visitor without a session sees.
PRIVATE_TABLES = frozenset(
    {
        "assessments",
        "events",
        "notification_settings",
        "notifications",
        "outbox_messages",
        "reason_templates",
        "recovery_codes",
        "reports",
        "role_assignments",
        "sign_in_sessions",
    }
)
# A changed person shows on public pages only through what their contributions carry.
PUBLIC_USER_COLUMNS = ("display_name", "organisation_name", "kind", "deleted_at")


def cached_for_visitors(view):
    """Mark a public page whose answer to visitors without a session may be kept."""
    view.cached_for_visitors = True
    return view


# --- the generation: one shared number every write raises --------------------------


class MemoryGeneration:
    def __init__(self):
        self.value = 0

    def current(self):
        return self.value

    def bump(self) -> None:
        self.value += 1


class FileGeneration:
    """A file's modification time and size: one stat per request, shared by the workers."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)

    def current(self):
        stat = os.stat(self.path)
        return (stat.st_mtime_ns, stat.st_size)

    def bump(self) -> None:
        with open(self.path, "a") as handle:
            handle.write(".")
            if handle.tell() > 4096:
                handle.truncate(0)  # the size restarts; the time still moves on


class RedisGeneration:
    KEY = "zukunft-st:page-generation"

    def __init__(self, uri: str):
        import redis

        self.client = redis.Redis.from_url(uri, socket_timeout=0.5)

    def current(self):
        return self.client.get(self.KEY) or self._start()

    def bump(self) -> None:
        self._start()
        self.client.incr(self.KEY)

    def _start(self):
        """A random first value: after Redis lost the key (a restart keeps nothing), the
        numbers do not count up through values that old copies carry."""
        self.client.set(self.KEY, secrets.randbelow(2**62), nx=True)
        return self.client.get(self.KEY)


def generation_store(app: Flask):
    uri = app.config.get("PAGE_CACHE_URI") or ""
    if uri.startswith(("redis://", "rediss://", "unix://")):
        return RedisGeneration(uri)
    if uri.startswith("file://"):
        return FileGeneration(Path(uri.removeprefix("file://")))
    return MemoryGeneration()


# --- the cache in front of the app ---------------------------------------------------


@dataclass
class Copy:
    endpoint: str
    generation: object
    expires: float
    status: str
    headers: list
    body: bytes


class PageCache:
    """WSGI middleware: answers from a kept copy, or lets the app answer and keeps it."""

    def __init__(self, wsgi_app, generation, seconds, entries, algorithms, served=None):
        self.wsgi_app = wsgi_app
        self.algorithms = algorithms  # Flask-Compress's, in its order of preference
        self.served = served  # called with every copy handed out (metrics, access log)
        self.generation = generation
        self.seconds = seconds
        self.entries = entries
        self.copies: OrderedDict[tuple, Copy] = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if not _anonymous_get(environ):
            return self.wsgi_app(environ, start_response)
        try:
            generation = self.generation.current()
        except Exception as error:  # the store is away: serve fresh pages, never fail
            log.warning("Seiten-Cache: Generation nicht lesbar (%s)", error)
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        key = _key(environ, self.algorithms)
        copy = self._fresh_copy(key, generation)
        if copy is None:
            return self._answer_and_keep(environ, start_response, key, generation)
        headers = copy.headers
        if self.served is not None:
            status = int(copy.status.split(None, 1)[0])
            seconds = time.perf_counter() - started
            headers = [
                *headers,
                ("X-Request-ID", self.served(environ, copy.endpoint, status, seconds)),
            ]
        start_response(copy.status, headers)
        return [copy.body]

    def _fresh_copy(self, key: tuple, generation) -> Copy | None:
        with self.lock:
            copy = self.copies.get(key)
            if copy is None:
                return None
            if copy.generation != generation or copy.expires < time.monotonic():
                del self.copies[key]
                return None
            self.copies.move_to_end(key)
            return copy

    def _answer_and_keep(self, environ, start_response, key: tuple, generation):
        answer: dict = {}

        def capture(status, headers, exc_info=None):
            marks = [value for name, value in headers if name == STORE_MARKER]
            cookies = any(name.lower() == "set-cookie" for name, _ in headers)
            answer["endpoint"] = marks[0] if marks and not cookies else None
            answer["status"] = status
            answer["headers"] = [(n, v) for n, v in headers if n != STORE_MARKER]
            return start_response(status, answer["headers"], exc_info)

        body = self.wsgi_app(environ, capture)
        if not answer.get("endpoint") or _encoding(answer["headers"]) != key[-1]:
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        if len(data) <= MAX_BODY:
            headers = [(n, v) for n, v in answer["headers"] if n != "X-Request-ID"]
            expires = time.monotonic() + self.seconds
            self._keep(
                key, Copy(answer["endpoint"], generation, expires, answer["status"], headers, data)
            )
        return [data]

    def _keep(self, key: tuple, copy: Copy) -> None:
        with self.lock:
            self.copies[key] = copy
            self.copies.move_to_end(key)
            while len(self.copies) > self.entries:
                self.copies.popitem(last=False)


def _anonymous_get(environ) -> bool:
    return (
        environ.get("REQUEST_METHOD") == "GET"
        and not environ.get("HTTP_COOKIE")
        and not environ.get("HTTP_AUTHORIZATION")
    )


def _key(environ, algorithms) -> tuple:
    return (
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST", ""),
        environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        _wanted_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""), algorithms),
    )


def _wanted_encoding(accept_encoding: str, algorithms) -> str:
    """The encoding Flask-Compress picks for this header (br before gzip)."""
    offered = parse_accept_header(accept_encoding)
    for encoding in algorithms:
        if offered[encoding] > 0:
            return encoding
    return ""


def _encoding(headers) -> str:
    for name, value in headers:
        if name.lower() == "content-encoding":
            return value
    return ""


# --- marking answers that may be kept ---------------------------------------------


def mark_keepable(response: Response) -> Response:
    view = current_app.view_functions.get(request.endpoint or "")
    if (
        getattr(view, "cached_for_visitors", False)
        and request.method == "GET"
        and response.status_code == 200
        and not request.cookies
        and not session
        and not session.modified
        and "Set-Cookie" not in response.headers
        and not response.cache_control.no_store
        and not response.cache_control.private
        and not response.is_streamed
    ):
        response.headers[STORE_MARKER] = request.endpoint
    return response


# --- raising the generation at every write ----------------------------------------


def _touches_public(instance, deleted: bool = False) -> bool:
    table = getattr(instance, "__tablename__", None)
    if table in PRIVATE_TABLES:
        return False
    if table == "users" and not deleted:
        from sqlalchemy import inspect

        state = inspect(instance)
        if state.pending:
            return False
        return any(state.attrs[c].history.has_changes() for c in PUBLIC_USER_COLUMNS)
    return True


def _note_flush(session: Session, _context) -> None:
    if session.info.get("page_writes"):
        return
    changed = [o for o in session.dirty if session.is_modified(o)]
    if (
        any(_touches_public(o) for o in session.new)
        or any(_touches_public(o) for o in changed)
        or any(_touches_public(o, deleted=True) for o in session.deleted)
    ):
        session.info["page_writes"] = True


def _note_statement(state) -> None:
    statement = state.statement
    if isinstance(statement, TextClause):
        verb = str(statement).lstrip().split(None, 1)[:1]
        if verb and verb[0].upper() not in {"SELECT", "WITH", "PRAGMA", "ANALYZE", "SET"}:
            state.session.info["page_writes"] = True
        return
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(statement, "table", None)
        if getattr(table, "name", None) not in PRIVATE_TABLES:
            state.session.info["page_writes"] = True


def _after_commit(session: Session) -> None:
    if not session.info.pop("page_writes", False) or not has_app_context():
        return
    store = current_app.extensions.get("page_generation")
    if store is None:
        return
    try:
        store.bump()
    except Exception as error:
        # Copies then live until PAGE_CACHE_SECONDS at most; say so loudly.
        log.error("Seiten-Cache: Generation nicht erhöht (%s)", error)


def _forget_writes(session: Session, *_args) -> None:
    session.info.pop("page_writes", None)


_listening = False


def _listen_for_writes() -> None:
    global _listening
    if _listening:
        return
    event.listen(Session, "after_flush", _note_flush)
    event.listen(Session, "do_orm_execute", _note_statement)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _forget_writes)
    _listening = True


def init_page_cache(app: Flask, served=None) -> None:
    """Every app keeps its generation (writes from the CLI raise it too); only apps with
    PAGE_CACHE_SECONDS > 0 keep copies. `served(environ, endpoint, status, seconds)` is told of
    every copy handed out and returns the request id to answer with."""
    store = generation_store(app)
    app.extensions["page_generation"] = store
    _listen_for_writes()
    seconds = int(app.config.get("PAGE_CACHE_SECONDS") or 0)
    if seconds <= 0:
        return
    app.after_request(mark_keepable)
    algorithms = [a for a in app.config.get("COMPRESS_ALGORITHM", []) if a]
    app.wsgi_app = PageCache(
        app.wsgi_app, store, seconds, app.config["PAGE_CACHE_ENTRIES"], algorithms, served
    )
