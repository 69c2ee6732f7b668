from flask import Blueprint, abort, redirect, render_template, request, url_for

from ..pagecache import cached_for_visitors
from ..ratelimits import write_limit
from . import feedback, services, texts
from .forms import BarrierReportForm
from .illustrations import field_illustration

bp = Blueprint("strategy", __name__)


@bp.record_once
def register_globals(state) -> None:
    """Pages of other packages (home, a field's page) show the drawings too."""
    state.app.jinja_env.globals["field_illustration"] = field_illustration


def _page_or_404(slug: str):
    page = services.get_page(slug)
    if page is None:
        abort(404)
    return page


@bp.get("/vision")
@cached_for_visitors
def vision():
    return render_template(
        "strategy/vision.html", page=services.get_page("vision"), values=services.list_values()
    )


@bp.get("/process")
@cached_for_visitors
def process():
    return render_template(
        "strategy/process.html",
        page=services.get_page("process"),
        steps=services.list_process_steps(),
        bodies=services.list_bodies(),
    )


@bp.get("/fields")
@cached_for_visitors
def fields():
    return render_template("strategy/fields.html", fields=services.list_fields())


@bp.get("/municipalities")
@cached_for_visitors
def municipalities():
    return render_template(
        "strategy/municipalities.html", municipalities=services.list_municipalities()
    )


@bp.get("/impressum", defaults={"slug": "impressum"}, endpoint="impressum")
@bp.get("/datenschutz", defaults={"slug": "datenschutz"}, endpoint="datenschutz")
@bp.get("/barrierefreiheit", defaults={"slug": "barrierefreiheit"}, endpoint="barrierefreiheit")
@bp.get("/leichte-sprache", defaults={"slug": "leichte-sprache"}, endpoint="leichte_sprache")
@cached_for_visitors
def text_page(slug: str):
    page = _page_or_404(slug)
    return render_template("strategy/page.html", page=page, facts=texts.facts_for(page))


@bp.route("/barrierefreiheit/melden", methods=["GET", "POST"])
@write_limit("ACCESSIBILITY_REPORT_RATE_LIMIT", count_only_saved=True)
def report_barrier():
    """Open to everyone, blocked accounts too: feedback on barriers is no contribution."""
    form = BarrierReportForm()
    if not form.is_submitted():
        form.place.data = feedback.page_from_query(request.args.get("seite"))
    if form.validate_on_submit():
        report = feedback.BarrierReport(form.place.data, form.description.data, form.email.data)
        feedback.send_barrier_report(report)
        return redirect(url_for("strategy.barrier_reported"))
    return render_template("strategy/report_barrier.html", form=form)


@bp.get("/barrierefreiheit/melden/danke")
def barrier_reported():
    return render_template("strategy/barrier_reported.html")
