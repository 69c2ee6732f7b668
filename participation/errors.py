"""Friendly German error pages; unexpected errors are logged, never shown."""

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

ERROR_TEXTS = {
    400: (
        "Die Anfrage konnte nicht verarbeitet werden",
        "Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.",
    ),
    403: (
        "Kein Zugriff",
        "Für diese Seite fehlt Ihnen die Berechtigung. Melden Sie sich gegebenenfalls an.",
    ),
    404: (
        "Seite nicht gefunden",
        "Diese Seite gibt es nicht (mehr). Vielleicht hilft Ihnen die Startseite weiter.",
    ),
    405: ("Aktion nicht möglich", "Diese Aktion ist auf diesem Weg nicht möglich."),
    413: (
        "Zu viele Daten",
        "Die gesendeten Daten sind zu groß. Bitte kürzen Sie Ihren Text. Fotos dürfen je "
        "höchstens 10 MB groß sein; wählen Sie sonst kleinere Fotos oder weniger auf einmal.",
    ),
    429: (
        "Zu viele Anfragen",
        "Sie haben in kurzer Zeit sehr viele Anfragen gesendet. "
        "Bitte warten Sie einen Moment und versuchen Sie es dann erneut.",
    ),
    500: (
        "Ein Fehler ist aufgetreten",
        "Das hätte nicht passieren dürfen. Wir wurden benachrichtigt. "
        "Bitte versuchen Sie es später noch einmal.",
    ),
}


KEPT_FIELDS = {"title": "Titel", "body": "Ihr Text", "note": "Erläuterung"}


def typed_text() -> list[tuple[str, str]]:
    """What the person wrote, so a refused request never loses their text.

    Without NUL bytes: a request refused for one (input_guard) still keeps the rest."""
    if request.method != "POST":
        return []
    typed = {name: request.form.get(name, "").replace("\x00", "") for name in KEPT_FIELDS}
    return [(label, typed[name]) for name, label in KEPT_FIELDS.items() if typed[name].strip()]


def render_error(status: int, detail: str | None = None):
    title, text = ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    try:
        page = render_template(
            "errors/error.html",
            status=status,
            title=_(title),
            text=detail or _(text),
            typed=typed_text() if status in (400, 429) else [],
        )
    except Exception:
        # The full layout needs the database (current user, navigation); when that
        # is what failed, a plain page still answers in German with the legal links.
        db.session.rollback()
        current_app.logger.exception("Fehlerseite %s ohne Layout ausgeliefert", status)
        page = current_app.jinja_env.get_template("errors/minimal.html").render(
            status=status, title=title, text=detail or text, url_for=url_for
        )  # rendered without context processors: they may need the database
    return page, status


def handle_http_exception(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    body, status = render_error(error.code)
    # Keep what the protocol requires, e.g. `Allow` on 405 and `Retry-After` on 429.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return body, status, headers


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        _(
            "Das Formular ist abgelaufen oder unvollständig gesendet worden. "
            "Bitte laden Sie die Seite neu und senden Sie es noch einmal."
        ),
    )


def handle_unexpected(error: Exception):
    db.session.rollback()
    current_app.logger.exception("Unerwarteter Fehler bei %s %s", request.method, request.path)
    return render_error(500)


def init_errors(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
