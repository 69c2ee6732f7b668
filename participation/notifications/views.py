"""The inbox, the preferences and the one link that stops mail."""

from babel.dates import get_day_names
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user, login_required

from ..accounts.models import User
from ..extensions import csrf, db
from ..ratelimits import write_limit
from ..roles import MODERATING_ROLES, has_any_role
from . import inbox, settings
from .categories import CATEGORY_LABELS, PERSONAL_CATEGORIES, Category, Channel
from .forms import preferences_form
from .staff import waiting_work
from .tokens import read_stop_token

bp = Blueprint("notifications", __name__, url_prefix="/benachrichtigungen")
# The addresses of the stop links in mails sent before the notification centre.
legacy_bp = Blueprint("notification_links", __name__)


@bp.app_context_processor
def unread_notifications() -> dict:
    def unread() -> int:
        """Counted once per request: the header and the inbox page both ask."""
        if not current_user.is_authenticated:
            return 0
        if "unread_notifications" not in g:
            g.unread_notifications = inbox.unread_count(current_user.id)
        return g.unread_notifications

    return {"unread_notifications": unread}


@bp.get("")
@login_required
def inbox_page():
    page = request.args.get("seite", default=1, type=int)
    only_unread = request.args.get("ungelesen") == "1"
    result = inbox.inbox_page(current_user.id, max(1, min(page, 10_000)), only_unread)
    return render_template(
        "notifications/inbox.html",
        result=result,
        only_unread=only_unread,
        work=waiting_work(current_user),
    )


@bp.get("/<int:notification_id>")
@login_required
def open_entry(notification_id: int):
    """Mark as read and go to the place the notification is about."""
    found = inbox.own_notification(current_user.id, notification_id)
    if found is None:
        abort(404)
    inbox.mark_read(found)
    target = inbox.message_of(found).path
    db.session.commit()
    return redirect(target)


@bp.post("/<int:notification_id>/gelesen")
@login_required
@write_limit("SUPPORT_RATE_LIMIT")
def mark_read(notification_id: int):
    found = inbox.own_notification(current_user.id, notification_id)
    if found is None:
        abort(404)
    inbox.mark_read(found)
    db.session.commit()
    return redirect(url_for("notifications.inbox_page", _anchor=f"n-{found.id}"))


@bp.post("/alle-gelesen")
@login_required
@write_limit("SUPPORT_RATE_LIMIT")
def mark_all_read():
    marked = inbox.mark_all_read(current_user.id)
    db.session.commit()
    flash(
        "Alle Benachrichtigungen sind als gelesen markiert."
        if marked
        else "Es gab keine ungelesenen Benachrichtigungen.",
        "success",
    )
    return redirect(url_for("notifications.inbox_page"))


def _categories_of(user) -> list[Category]:
    staff = [Category.STAFF] if has_any_role(user, MODERATING_ROLES) else []
    return [*PERSONAL_CATEGORIES, *staff]


@bp.route("/einstellungen", methods=["GET", "POST"])
@login_required
@write_limit("ACCOUNT_RATE_LIMIT", count_only_saved=True)
def preferences():
    categories = _categories_of(current_user)
    current = settings.settings_of(current_user.id)
    form = preferences_form(categories, current)
    if form.validate_on_submit():
        settings.change_channels(current_user.id, {c.value: form[c.value].data for c in categories})
        db.session.commit()
        flash("Ihre Einstellungen sind gespeichert.", "success")
        return redirect(url_for("notifications.preferences"))
    return render_template(
        "notifications/preferences.html",
        form=form,
        categories=categories,
        weekly_weekday=get_day_names("wide", locale=get_locale())[
            current_app.config["NOTIFICATION_WEEKLY_WEEKDAY"] % 7
        ],
    )


STOP_SCOPES = {
    "summary": "die täglichen und wöchentlichen Zusammenfassungen",
    "all": "alle E-Mails über Neuigkeiten",
}


def _stopped_categories(scope: str, user_id: int) -> list[str]:
    if scope == "all":
        return list(Category)
    if scope == "summary":
        current = settings.settings_of(user_id)
        return [c for c in Category if current.channel(c) in (Channel.DAILY, Channel.WEEKLY)]
    return [scope]


@bp.route("/abbestellen/<token>", methods=["GET", "POST"])
@csrf.exempt  # the token is the proof; mail programs POST it without a form (RFC 8058)
@write_limit("STOP_MAIL_RATE_LIMIT")
def stop(token: str):
    """The link in a mail asks first: mail scanners open links, only people press buttons.
    Mail programs' one-click unsubscribing POSTs here directly."""
    found = read_stop_token(token)
    user = db.session.get(User, found[0]) if found is not None else None
    if user is None or user.deleted_at is not None:
        abort(404)
    scope = found[1]
    what = STOP_SCOPES.get(scope) or f"E-Mails zu „{CATEGORY_LABELS[Category(scope)]}“"
    stopped = request.method == "POST"
    if stopped:
        settings.stop_mails(user.id, _stopped_categories(scope, user.id))
        db.session.commit()
    return render_template("notifications/stop.html", what=what, stopped=stopped)


@legacy_bp.route("/unfollow/<token>", methods=["GET", "POST"])
@legacy_bp.route("/mitteilungen/abbestellen/<token>", methods=["GET", "POST"])
@csrf.exempt
def legacy_stop(token: str):
    """Links of mails sent before the notification centre: they say where to go now."""
    return render_template("notifications/stop_expired.html"), 410
