"""/account/export: a person downloads everything stored about them, after their password.
/account/delete: they delete their account, after their password."""

import json
from datetime import datetime
from io import BytesIO

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    send_file,
    session,
    url_for,
)
from flask_babel import format_date
from flask_login import current_user, login_required, logout_user

from ..accounts import throttle
from ..accounts.identity import confirm_identity
from ..notifications.categories import CATEGORY_LABELS, CHANNEL_LABELS
from ..ratelimits import write_limit
from ..templating import format_moment
from ..timeutil import utcnow
from . import deletion
from .forms import DeleteAccountForm, ExportForm
from .services import collect_personal_data

bp = Blueprint("privacy", __name__)


@bp.app_template_filter("iso_moment")
def iso_moment(value: str | None) -> str:
    """An export's ISO time ("2026-11-30T14:05:00Z") as the site shows times."""
    if not value:
        return ""
    return format_moment(datetime.fromisoformat(value.removesuffix("Z")))


REFUSED_MESSAGE = "Das Passwort ist nicht richtig. Es wurde nichts heruntergeladen."


@bp.route("/account/export", methods=["GET", "POST"])
@login_required
@write_limit("ACCOUNT_RATE_LIMIT")
@throttle.refuse_busy_address
def export():
    form = ExportForm()
    wait = 0
    if form.validate_on_submit():
        wait = confirm_identity(current_user, form, REFUSED_MESSAGE)
        if wait is None:
            return _deliver(form.format.data)
    page = render_template("privacy/confirm.html", form=form)
    return throttle.answer_with_wait(page, wait)


def _deliver(fmt: str):
    data = collect_personal_data(current_user)
    current_app.logger.info("Datenexport (%s) für Konto %s", fmt, current_user.id)
    if fmt == "html":
        response = make_response(
            render_template(
                "privacy/export.html",
                data=data,
                category_labels=CATEGORY_LABELS,
                channel_labels=CHANNEL_LABELS,
            )
        )
    else:
        body = json.dumps(data, ensure_ascii=False, indent=2).encode()
        response = send_file(
            BytesIO(body),
            mimetype="application/json",
            as_attachment=True,
            download_name=f"zukunft-st-daten-{format_date(utcnow(), 'yyyy-MM-dd')}.json",
        )
    response.headers["Cache-Control"] = "no-store"  # personal data: no copies in caches
    return response


DELETE_REFUSED = "Das Passwort ist nicht richtig. Ihr Konto wurde nicht gelöscht."
JUST_DELETED = "account_deleted"  # in the signed-out session: what the last page says


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@write_limit("ACCOUNT_RATE_LIMIT")
@throttle.refuse_busy_address
def delete_account():
    form = DeleteAccountForm()
    refusal, wait = deletion.deletion_refusal(current_user), 0
    if refusal is None and form.validate_on_submit():
        wait = confirm_identity(current_user, form, DELETE_REFUSED)
        if wait is None:
            remove = form.remove_contributions.data
            try:
                deletion.delete_account(current_user, remove)
            except deletion.DeletionRefused as error:
                refusal = str(error)
            else:
                return _signed_out_after_deletion(remove)
    page = render_template(
        "privacy/delete.html", form=form, refusal=refusal, text_months=_moderation_text_months()
    )
    return throttle.answer_with_wait(page, wait)


def _moderation_text_months() -> int:
    return round(current_app.config["RETENTION_MODERATION_TEXT_DAYS"] / 30.4)


def _signed_out_after_deletion(contributions_removed: bool):
    logout_user()
    session.clear()
    session[JUST_DELETED] = "removed" if contributions_removed else "kept"
    return redirect(url_for("privacy.account_deleted"))


@bp.get("/account/deleted")
def account_deleted():
    """Shown once, right after the deletion; anyone else is sent to the start page."""
    contributions = session.pop(JUST_DELETED, None)
    if contributions is None:
        return redirect(url_for("pages.home"))
    response = make_response(
        render_template("privacy/deleted.html", contributions_removed=contributions == "removed")
    )
    response.headers["Cache-Control"] = "no-store"
    return response
