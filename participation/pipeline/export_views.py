"""Downloads of ideas and projects for the committee and the project team (internal:
the files hold ratings and internal notes)."""

from io import BytesIO

from flask import Blueprint, abort, current_app, render_template, send_file
from flask_login import current_user, login_required

from . import exports
from .permissions import can_view_pipeline

bp = Blueprint("pipeline_exports", __name__, url_prefix="/pipeline/export")


@bp.before_request
@login_required
def require_member():
    if not can_view_pipeline(current_user):
        abort(403)


@bp.get("")
def page():
    return render_template("pipeline/exports.html", counts=exports.counts(), today=exports.today())


@bp.get("/<any(ideas, projects):kind>.<any(csv, xlsx, json):fmt>")
def download(kind: str, fmt: str):
    export = exports.load(kind)
    buffer = BytesIO()
    exports.write(export, fmt, buffer)
    buffer.seek(0)
    current_app.logger.info(
        "Export %s.%s (%s Zeilen) von %s", kind, fmt, export.count, current_user.id
    )
    response = send_file(
        buffer,
        mimetype=exports.MEDIA_TYPES[fmt],
        as_attachment=True,
        download_name=exports.filename(kind, fmt),
    )
    response.headers["Cache-Control"] = "no-store"  # internal data: no copies in caches
    return response
