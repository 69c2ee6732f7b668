from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.forms import EmptyForm
from ..ideas.listing import (
    IdeaFilter,
    IdeaPage,
    ideas_by_author,
    ideas_followed_by,
    ideas_supported_by,
    list_ideas,
)
from ..pagecache import cached_for_visitors
from ..roadmap.services import latest_updates
from ..strategy import services as strategy
from . import services

bp = Blueprint("pages", __name__)

NEWEST_IDEAS = 6
HOME_IDEAS = 3  # newest and most supported, each
HOME_NEWS = 3
TOWN_IDEAS = 4


def _newest_ideas(**where) -> IdeaPage:
    """The newest published ideas of a field or municipality, as on /ideas."""
    return list_ideas(IdeaFilter(**where), per_page=NEWEST_IDEAS)


@bp.get("/")
@cached_for_visitors
def home():
    return render_template(
        "pages/home.html",
        page=strategy.get_page("start"),  # the introduction, as the administration edits it
        figures=services.site_figures(),
        ideas=services.newest_and_most_supported(HOME_IDEAS),
        towns=strategy.municipality_choices(blank=False, slugs=True),
        phase=strategy.current_process_phase(),
        news=latest_updates(HOME_NEWS),
        fields=strategy.list_fields(),
        values=strategy.list_values(),
    )


@bp.get("/fields/<slug>")
@cached_for_visitors
def field(slug: str):
    field_of_action = strategy.get_field(slug) or abort(404)
    return render_template(
        "pages/field.html", field=field_of_action, ideas=_newest_ideas(field=slug)
    )


@bp.get("/municipalities/<slug>")
@cached_for_visitors
def municipality(slug: str):
    found = strategy.get_municipality(slug) or abort(404)
    return render_template(
        "pages/municipality.html",
        municipality=found,
        content=services.town_content(found.slug, TOWN_IDEAS),
    )


@bp.get("/municipalities/choose")
def choose_municipality():
    """The town picker's GET form ("Ihre Kommune"), also without JavaScript: only a town
    that exists leads anywhere."""
    slug = request.args.get("municipality", "").strip()
    if not slug:
        return redirect(url_for("strategy.municipalities"))
    found = strategy.get_municipality(slug[:80]) or abort(404)
    return redirect(url_for("pages.municipality", slug=found.slug))


@bp.get("/account")
@login_required
def account():
    return render_template(
        "pages/account.html",
        logout_form=EmptyForm(),
        own_ideas=ideas_by_author(current_user),
        supported=ideas_supported_by(current_user),
        followed=ideas_followed_by(current_user),
    )
