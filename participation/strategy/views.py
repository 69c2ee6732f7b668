from flask import Blueprint, abort, render_template

from ..ideas.listing import IdeaFilter, IdeaPage, list_ideas
from . import services

bp = Blueprint("strategy", __name__)


NEWEST_IDEAS = 6


def _newest_ideas(**where) -> IdeaPage:
    """The newest published ideas of a field or municipality, as on /ideas."""
    return list_ideas(IdeaFilter(**where), per_page=NEWEST_IDEAS)


def _page_or_404(slug: str):
    page = services.get_page(slug)
    if page is None:
        abort(404)
    return page


@bp.get("/")
def home():
    return render_template(
        "strategy/home.html",
        fields=services.list_fields(),
        values=services.list_values(),
    )


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


@bp.get("/fields/<slug>")
def field(slug: str):
    field_of_action = services.get_field(slug) or abort(404)
    return render_template(
        "strategy/field.html", field=field_of_action, ideas=_newest_ideas(field=slug)
    )


@bp.get("/municipalities")
def municipalities():
    return render_template(
        "strategy/municipalities.html", municipalities=services.list_municipalities()
    )


@bp.get("/municipalities/<slug>")
def municipality(slug: str):
    found = services.get_municipality(slug) or abort(404)
    return render_template(
        "strategy/municipality.html", municipality=found, ideas=_newest_ideas(municipality=slug)
    )


@bp.get("/impressum", defaults={"slug": "impressum"}, endpoint="impressum")
@bp.get("/datenschutz", defaults={"slug": "datenschutz"}, endpoint="datenschutz")
@bp.get("/barrierefreiheit", defaults={"slug": "barrierefreiheit"}, endpoint="barrierefreiheit")
@bp.get("/leichte-sprache", defaults={"slug": "leichte-sprache"}, endpoint="leichte_sprache")
def text_page(slug: str):
    return render_template("strategy/page.html", page=_page_or_404(slug))
