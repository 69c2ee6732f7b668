"""The internal charts: the portfolio matrix and the pipeline statistics."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from ..ideas.choices import field_choices, municipality_choices
from . import matrix, stats
from .permissions import can_view_pipeline
from .svg import de_number

bp = Blueprint("pipeline_charts", __name__, url_prefix="/pipeline")


@bp.before_request
@login_required
def require_member():
    if not can_view_pipeline(current_user):
        abort(403)


@bp.get("/matrix", endpoint="matrix")
def matrix_page():
    fields = field_choices(blank=False)
    places = municipality_choices(blank=False, slugs=True)
    filters = matrix.MatrixFilter.from_args(request.args, fields, places)
    return render_template(
        "pipeline/matrix.html",
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
        "pipeline/stats.html",
        stats=figures,
        charts=stats.charts(figures, measure),
        measure=measure,
        measures=stats.MEASURES,
        number=de_number,
    )
