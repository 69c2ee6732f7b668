"""What a shared page says about itself: the preview image's text, where the image is,
and a tag that changes whenever the image would look different."""

import hashlib
from dataclasses import astuple, dataclass
from io import BytesIO

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from ..extensions import db
from ..ideas.listing import get_idea_with_details
from ..ideas.models import Idea
from ..links import external_url
from ..photos.models import IdeaPhoto
from ..photos.services import photo_bytes
from ..projects.models import Project
from ..roadmap.services import places_label
from ..templating import site_identity
from .cards import HEIGHT, WIDTH, PreviewCard

# Part of every image's tag: a new drawing (cards.py) makes every cached image stale.
DESIGN_VERSION = "1"
PHOTO_WIDTH = 1600  # the stored size that fills 1200 px without scaling up


@dataclass(frozen=True)
class LinkPreview:
    """The Open Graph facts of a public page."""

    page_url: str
    image_url: str
    image_type: str
    image_alt: str
    width: int = WIDTH
    height: int = HEIGHT


def public_idea(idea_id: int) -> Idea | None:
    """The idea with its field and town, if the public may see it (else None)."""
    idea = get_idea_with_details(idea_id)
    return idea if idea is not None and idea.is_public else None


def public_project(project_id: int) -> Project | None:
    """Every project is on the public roadmap; its internal notes are never loaded."""
    query = (
        select(Project)
        .where(Project.id == project_id)
        .options(
            defer(Project.internal_notes, raiseload=True),
            selectinload(Project.fields),
            selectinload(Project.municipalities),
        )
    )
    return db.session.scalar(query)


def idea_card(idea: Idea) -> PreviewCard:
    details = f"{idea.field.name} · {idea.municipality.name}"
    return PreviewCard(site_identity()["name"], "Idee", idea.title, details)


def project_card(project: Project) -> PreviewCard:
    details = " · ".join([*(field.name for field in project.fields[:2]), places_label(project)])
    return PreviewCard(site_identity()["name"], project.kind_label, project.title, details)


def image_tag(card: PreviewCard, photo_key: str = "") -> str:
    """Changes with anything drawn: the card's text, the photo, the drawing itself."""
    text = "\x1f".join((DESIGN_VERSION, *astuple(card), photo_key))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def preview_photo(idea: Idea) -> IdeaPhoto | None:
    """The photo a public idea's preview shows: its first one, if it has any. From the
    idea's `photos`, which its page loads for the gallery anyway (no extra statement)."""
    return idea.photos[0] if idea.is_public and idea.photos else None


def photo_image(photo: IdeaPhoto):
    """The photo's largest stored size, opened; None when its file is missing."""
    data = photo_bytes(photo, PHOTO_WIDTH)
    return None if data is None else Image.open(BytesIO(data))


def idea_preview(idea: Idea) -> LinkPreview:
    """For the idea's Open Graph tags (template function `idea_preview`): the photo
    preview when the idea has a photo, else the card."""
    photo = preview_photo(idea)
    alt = f"Idee „{idea.title}“ – {idea.field.name}, {idea.municipality.name}"
    if photo is not None:
        return LinkPreview(
            page_url=external_url("ideas.detail", idea_id=idea.id),
            image_url=external_url("sharing.idea_photo_image", idea_id=idea.id),
            image_type="image/jpeg",
            image_alt=f"{alt}. Foto: {photo.description}" if photo.description else alt,
        )
    return LinkPreview(
        page_url=external_url("ideas.detail", idea_id=idea.id),
        image_url=external_url("sharing.idea_image", idea_id=idea.id),
        image_type="image/png",
        image_alt=alt,
    )


def project_preview(project: Project) -> LinkPreview:
    """For the project's Open Graph tags (template function `project_preview`)."""
    return LinkPreview(
        page_url=external_url("roadmap.project", project_id=project.id),
        image_url=external_url("sharing.project_image", project_id=project.id),
        image_type="image/png",
        image_alt=f"{project.kind_label} „{project.title}“",
    )
