"""/account/export: a person downloads everything stored about them, after their password."""

import json
from datetime import datetime
from io import BytesIO

from flask import Blueprint, current_app, make_response, render_template, send_file
from flask_babel import format_date
from flask_login import current_user, login_required

from ..accounts import throttle
from ..accounts.identity import confirm_identity
from ..ratelimits import write_limit
from ..templating import format_moment
from ..timeutil import utcnow
from .forms import ExportForm
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
    return (page, 429, {"Retry-After": str(wait)}) if wait else page


def _deliver(fmt: str):
    data = collect_personal_data(current_user)
    current_app.logger.info("Datenexport (%s) für Konto %s", fmt, current_user.id)
    if fmt == "html":
        response = make_response(render_template("privacy/export.html", data=data))
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
