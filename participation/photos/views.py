"""Serving photo files, after the same check as the idea's page; helpers for templates."""

import re

from flask import Blueprint, Response, abort, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..ideas.models import Idea
from ..ideas.permissions import can_see_idea_content
from . import uploads
from .models import IdeaPhoto
from .permissions import can_view_photo, is_public_photo
from .storage import check_settings, file_name, photo_storage

bp = Blueprint("photos", __name__)
KEY = re.compile(r"[A-Za-z0-9_-]{16,32}")
# A public photo's address never shows other content (a new photo gets a new key), but
# its idea may be hidden later: shared caches keep it for an hour at most.
PUBLIC_CACHE = "public, max-age=3600"
PRIVATE_CACHE = "private, no-store"


@bp.record_once
def register(state) -> None:
    app = state.app
    check_settings(app.config)
    # First of all request hooks, before anything reads the body (input_guard).
    app.before_request_funcs.setdefault(None, []).insert(0, uploads.allow_photo_uploads)
    app.jinja_env.globals.update(
        photo_src=photo_src,
        photo_srcset=photo_srcset,
        card_photo=card_photo,
        visible_photos=visible_photos,
        photo_slots=uploads.photo_slots,
    )


def photo_src(photo: IdeaPhoto, width: int | None = None) -> str:
    """The address of `photo` in the largest stored width up to `width`."""
    size = photo.size_up_to(width) if width else photo.sizes[-1]
    if photo.is_draft:
        return url_for("photos.draft_photo", key=photo.key, width=size)
    return url_for("photos.idea_photo", idea_id=photo.idea_id, key=photo.key, width=size)


def photo_srcset(photo: IdeaPhoto) -> str:
    return ", ".join(f"{photo_src(photo, width)} {width}w" for width in photo.sizes)


def visible_photos(idea: Idea) -> list[IdeaPhoto]:
    """The idea's photos, for whoever may read its content; none for anyone else."""
    if not can_see_idea_content(current_user, idea):
        return []
    return list(idea.photos)


def card_photo(idea: Idea) -> IdeaPhoto | None:
    """The first photo, for the idea's card (the lists load `Idea.photos` with the ideas)."""
    photos = visible_photos(idea) if idea.photos else []
    return photos[0] if photos else None


def _photo_or_404(key: str, width: int) -> IdeaPhoto:
    photo = None
    if KEY.fullmatch(key):
        photo = db.session.scalar(select(IdeaPhoto).where(IdeaPhoto.key == key))
    if photo is None or width not in photo.sizes:
        abort(404)
    return photo


@bp.get("/ideas/<int:idea_id>/fotos/<key>/<int:width>.webp")
def idea_photo(idea_id: int, key: str, width: int):
    photo = _photo_or_404(key, width)
    idea = db.session.get(Idea, idea_id) if photo.idea_id == idea_id else None
    if is_public_photo(idea):
        return _file(photo, width, PUBLIC_CACHE)  # no session read: the same for everyone
    if not can_view_photo(current_user, photo, idea):
        abort(404)
    return _file(photo, width, PRIVATE_CACHE)


@bp.get("/fotos/entwurf/<key>/<int:width>.webp")
def draft_photo(key: str, width: int):
    """A draft, shown to its owner in the idea form and the preview."""
    photo = _photo_or_404(key, width)
    if not photo.is_draft or not can_view_photo(current_user, photo):
        abort(404)
    return _file(photo, width, PRIVATE_CACHE)


def _file(photo: IdeaPhoto, width: int, cache_control: str) -> Response:
    etag = f"{photo.key}-{width}"
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        data = photo_storage().read(file_name(photo.key, width))
        if data is None:
            abort(404)
        response = Response(data, mimetype="image/webp")
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    return response
