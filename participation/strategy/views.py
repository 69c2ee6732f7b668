from flask import Blueprint, abort, render_template

from . import services

bp = Blueprint("strategy", __name__)


def _page_or_404(slug: str):
    page = services.get_page(slug)
    if page is None:
        abort(404)
    return page


@bp.get("/vision")
def vision():
    return render_template(
        "strategy/vision.html", page=services.get_page("vision"), values=services.list_values()
    )


@bp.get("/process")
def process():
    return render_template(
        "strategy/process.html",
        page=services.get_page("process"),
        steps=services.list_process_steps(),
        bodies=services.list_bodies(),
    )


@bp.get("/fields")
def fields():
    return render_template("strategy/fields.html", fields=services.list_fields())


@bp.get("/municipalities")
def municipalities():
    return render_template(
        "strategy/municipalities.html", municipalities=services.list_municipalities()
    )


@bp.get("/impressum", defaults={"slug": "impressum"}, endpoint="impressum")
@bp.get("/datenschutz", defaults={"slug": "datenschutz"}, endpoint="datenschutz")
@bp.get("/barrierefreiheit", defaults={"slug": "barrierefreiheit"}, endpoint="barrierefreiheit")
@bp.get("/leichte-sprache", defaults={"slug": "leichte-sprache"}, endpoint="leichte_sprache")
def text_page(slug: str):
    return render_template("strategy/page.html", page=_page_or_404(slug))
