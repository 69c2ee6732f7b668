"""Preview images for link previews, public like the pages they show (Blueprint `sharing`).

Only public ideas and projects have one; anything else is a 404, as its page is for the
public. Each image carries a tag of what it shows: a repeated request with the same tag
is answered 304 without drawing, and shared caches may keep it for an hour.
"""

from datetime import datetime

from flask import Blueprint, Response, abort, request

from ..links import external_url
from ..ratelimits import person_and_address_limit
from . import cards, services

bp = Blueprint("sharing", __name__)

MAX_AGE = 3600  # a changed title reaches new previews within the hour


@bp.record_once
def register_globals(state) -> None:
    """The idea and project pages sit below this package: they get their previews and
    absolute links as template functions."""
    state.app.jinja_env.globals.update(
        external_url=external_url,
        idea_preview=services.idea_preview,
        project_preview=services.project_preview,
    )


@bp.get("/ideas/<int:idea_id>/vorschau.png")
@person_and_address_limit("PREVIEW_IMAGE_RATE_LIMIT", ["GET"])
def idea_image(idea_id: int):
    idea = services.public_idea(idea_id) or abort(404)
    card = services.idea_card(idea)
    return _image(services.image_tag(card), idea.updated_at, lambda: cards.card_png(card))


@bp.get("/ideas/<int:idea_id>/vorschau.jpg")
@person_and_address_limit("PREVIEW_IMAGE_RATE_LIMIT", ["GET"])
def idea_photo_image(idea_id: int):
    """The idea's first photo with its title: only for public ideas with a photo."""
    idea = services.public_idea(idea_id) or abort(404)
    photo = services.preview_photo(idea) or abort(404)
    card = services.idea_card(idea)

    def draw() -> bytes:
        image = services.photo_image(photo) or abort(404)
        with image:
            return cards.photo_card_jpeg(card, image)

    return _image(services.image_tag(card, photo.key), idea.updated_at, draw, "image/jpeg")


@bp.get("/projects/<int:project_id>/vorschau.png")
@person_and_address_limit("PREVIEW_IMAGE_RATE_LIMIT", ["GET"])
def project_image(project_id: int):
    project = services.public_project(project_id) or abort(404)
    card = services.project_card(project)
    return _image(services.image_tag(card), project.updated_at, lambda: cards.card_png(card))


def _image(tag: str, changed_at: datetime, draw, mimetype: str = "image/png") -> Response:
    """The image, or 304 when the client has this very one (then nothing is drawn)."""
    if request.if_none_match.contains(tag):
        response = Response(status=304)
    else:
        response = Response(draw(), mimetype=mimetype)
    response.set_etag(tag)
    response.last_modified = changed_at
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response
