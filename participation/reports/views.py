"""The internal reports: the portfolio matrix, the pipeline statistics and the downloads
of ideas and projects (the files hold ratings and internal notes)."""

from functools import partial
from io import BytesIO

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_login import current_user, login_required

from ..rating.permissions import can_view_pipeline
from ..strategy.services import field_choices, municipality_choices, slugs_of
from ..templating import format_number
from . import exports, matrix, stats

# Named for the pipeline: "reports" is moderation's (people's reports of ideas and comments).
bp = Blueprint("pipeline_reports", __name__, url_prefix="/pipeline")


@bp.before_request
@login_required
def require_member():
    if not can_view_pipeline(current_user):
        abort(403)


@bp.get("/matrix", endpoint="matrix")
def matrix_page():
    fields = field_choices(blank=False)
    places = municipality_choices(blank=False, slugs=True)
    filters = matrix.MatrixFilter.from_args(
        request.args, field=slugs_of(fields), municipality=slugs_of(places)
    )
    return render_template(
        "reports/matrix.html",
        result=matrix.portfolio_matrix(filters),
        frame=matrix.axis_ticks(),
        filters=filters,
        fields=fields,
        municipalities=places,
        sorts=matrix.SORTS,
        quadrants=matrix.QUADRANT_LABELS,
        hints=matrix.QUADRANT_HINTS,
        groups=matrix.GROUP_LABELS,
    )


@bp.get("/stats", endpoint="stats")
def stats_page():
    measure = request.args.get("measure")
    measure = measure if measure in stats.MEASURES else stats.DEFAULT_MEASURE
    figures = stats.pipeline_stats()
    return render_template(
        "reports/stats.html",
        stats=figures,
        charts=stats.charts(figures, measure),
        measure=measure,
        measures=stats.MEASURES,
        number=partial(format_number, places=0),
    )


@bp.get("/export", endpoint="exports")
def exports_page():
    return render_template("reports/exports.html", counts=exports.counts(), today=exports.today())


@bp.get("/export/<any(ideas, projects):kind>.<any(csv, xlsx, json):fmt>")
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
