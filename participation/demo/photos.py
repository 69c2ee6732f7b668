"""Demo photos: a handful of drawn landscapes, made once and shared by many demo ideas.

Every fourth idea gets one or two, up to MOST_IDEAS ideas: beyond a few hundred, a big
demo shows them on its newest ideas, the ones the lists show first. Each picture goes
through the same processing as an upload (`photos.processing`), once; its files are then
written under each photo's own random key, so removing one demo photo never touches another.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from math import pi, sin

from PIL import Image, ImageDraw
from sqlalchemy import exists, select

from ..extensions import db
from ..ideas.models import Idea
from ..photos.files import write_files
from ..photos.models import IdeaPhoto
from ..photos.processing import ProcessedPhoto, process_photo
from ..photos.storage import file_name, new_key
from ..timeutil import utcnow
from .bulk import insert_rows

SIZE = (1200, 800)
EVERY = 4  # every fourth demo idea shows photos
MOST_IDEAS = 300  # each photo is a few files on disk: 100,000 ideas need no 25,000 of them
Painter = Callable[[ImageDraw.ImageDraw, random.Random], None]


@dataclass(frozen=True)
class Scene:
    description: str
    sky: tuple[tuple[int, int, int], tuple[int, int, int]]  # top, horizon
    paint: Painter


def _sky(image: Image.Image, top, horizon) -> None:
    draw = ImageDraw.Draw(image)
    width, height = image.size
    for y in range(height):
        share = y / (height - 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(top, horizon, strict=True))
        draw.line((0, y, width, y), fill=colour)


def _hills(draw, rng, base: int, amplitude: int, colour, waves: float = 1.5) -> None:
    width, height = SIZE
    phase = rng.uniform(0, 2 * pi)
    points = [
        (x, base + amplitude * sin(phase + waves * 2 * pi * x / width))
        for x in range(0, width + 1, 20)
    ]
    draw.polygon([(0, height), *points, (width, height)], fill=colour)


def _sun(draw, x: int, y: int, radius: int, colour=(255, 214, 92)) -> None:
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)


def _tree(draw, x: int, ground: int, size: int, crown=(47, 122, 74)) -> None:
    draw.rectangle((x - size // 10, ground - size, x + size // 10, ground), fill=(110, 78, 50))
    draw.ellipse((x - size // 2, ground - size * 2, x + size // 2, ground - size // 2), fill=crown)


def _fields(draw, rng) -> None:
    _sun(draw, 260, 470, 70)
    _hills(draw, rng, 520, 18, (152, 178, 92))
    colours = [(206, 184, 92), (128, 168, 84), (222, 200, 110), (104, 150, 76)]
    for band in range(8):
        top, bottom = 540 + band * 34, 540 + (band + 1) * 34
        draw.polygon(
            [(0, top), (1200, top - 40), (1200, bottom - 40), (0, bottom)],
            fill=colours[band % len(colours)],
        )


def _cycle_path(draw, rng) -> None:
    _sun(draw, 980, 150, 60)
    _hills(draw, rng, 470, 30, (120, 170, 110))
    draw.rectangle((0, 520, 1200, 800), fill=(132, 186, 96))
    draw.polygon([(560, 520), (640, 520), (900, 800), (300, 800)], fill=(170, 170, 165))
    draw.line([(600, 540), (600, 800)], fill=(235, 235, 230), width=6)
    for x, size in ((140, 110), (300, 80), (880, 90), (1060, 130)):
        _tree(draw, x, 560 + size // 3, size)


def _wind(draw, rng) -> None:
    _hills(draw, rng, 560, 40, (108, 164, 100), waves=1.0)
    _hills(draw, rng, 640, 25, (86, 146, 84), waves=2.0)
    for x, height in ((300, 300), (620, 360), (930, 280)):
        top = 560 - height
        draw.line([(x, 580), (x, top)], fill=(245, 245, 245), width=10)
        for angle in (0.3, 0.3 + 2 * pi / 3, 0.3 + 4 * pi / 3):
            tip = (x + 110 * sin(angle), top - 110 * sin(angle + pi / 2))
            draw.line([(x, top), tip], fill=(250, 250, 250), width=8)
        _sun(draw, x, top, 10, colour=(230, 230, 230))


def _river(draw, rng) -> None:
    _hills(draw, rng, 430, 25, (96, 150, 96))
    draw.rectangle((0, 480, 1200, 800), fill=(120, 176, 96))
    left = [(600 + 180 * sin(y / 90), y) for y in range(480, 801, 20)]
    right = [(x + 60 + (y - 480) * 0.6, y) for x, y in left]
    draw.polygon([*left, *reversed(right)], fill=(94, 154, 204))
    for x, size in ((120, 120), (330, 90), (980, 110), (1120, 80), (760, 70)):
        _tree(draw, x, 540 + size // 2, size, crown=(56, 132, 80))


def _village(draw, rng) -> None:
    _sun(draw, 200, 160, 55)
    _hills(draw, rng, 500, 20, (118, 168, 104))
    draw.rectangle((0, 600, 1200, 800), fill=(196, 186, 170))
    for x, width, colour in (
        (120, 220, (240, 232, 214)),
        (420, 180, (232, 214, 190)),
        (700, 240, (246, 238, 226)),
    ):
        draw.rectangle((x, 420, x + width, 600), fill=colour)
        draw.polygon(
            [(x - 20, 420), (x + width // 2, 320), (x + width + 20, 420)], fill=(178, 70, 52)
        )
        draw.rectangle((x + width // 2 - 25, 520, x + width // 2 + 25, 600), fill=(120, 84, 60))
    _tree(draw, 1050, 640, 150)


def _lake(draw, rng) -> None:
    _sun(draw, 820, 430, 80, colour=(255, 190, 110))
    _hills(draw, rng, 470, 45, (72, 66, 100), waves=1.2)
    draw.rectangle((0, 520, 1200, 800), fill=(96, 110, 160))
    for y in range(540, 800, 26):
        draw.line([(700, y), (940, y)], fill=(250, 196, 140), width=4)


SCENES = (
    Scene(
        "Zeichnung: Felder im Morgenlicht, die Sonne steht tief am Horizont",
        ((120, 170, 220), (255, 214, 170)),
        _fields,
    ),
    Scene(
        "Zeichnung: Ein Radweg führt zwischen Wiesen und Bäumen in die Ferne",
        ((90, 150, 220), (200, 226, 246)),
        _cycle_path,
    ),
    Scene(
        "Zeichnung: Drei Windräder auf sanften Hügeln unter blauem Himmel",
        ((70, 130, 210), (190, 220, 245)),
        _wind,
    ),
    Scene(
        "Zeichnung: Ein Fluss schlängelt sich zwischen runden Baumkronen",
        ((110, 165, 225), (215, 235, 250)),
        _river,
    ),
    Scene(
        "Zeichnung: Häuser mit roten Dächern an einem Dorfplatz mit Baum",
        ((100, 160, 225), (210, 230, 250)),
        _village,
    ),
    Scene(
        "Zeichnung: Ein See in der Abendsonne, dahinter dunkle Hügel",
        ((64, 58, 120), (250, 170, 120)),
        _lake,
    ),
)


def _drawn(scene: Scene, rng: random.Random) -> ProcessedPhoto:
    image = Image.new("RGB", SIZE)
    _sky(image, *scene.sky)
    scene.paint(ImageDraw.Draw(image), rng)
    out = BytesIO()
    image.save(out, "PNG")
    return process_photo(out.getvalue(), max_pixels=SIZE[0] * SIZE[1])


def ideas_with_photos() -> list[tuple[int, int]]:
    """(idea, author) of every EVERY-th idea without photos so far, at most MOST_IDEAS of
    them (the newest), in the order of their ids."""
    has_photos = exists().where(IdeaPhoto.idea_id == Idea.id)
    query = select(Idea.id, Idea.author_id, Idea.created_at).where(~has_photos).order_by(Idea.id)
    chosen = db.session.execute(query).all()[::EVERY]
    if len(chosen) > MOST_IDEAS:
        newest = sorted(chosen, key=lambda row: row.created_at, reverse=True)[:MOST_IDEAS]
        chosen = sorted(newest, key=lambda row: row.id)
    return [(idea_id, author_id) for idea_id, author_id, _ in chosen]


def write_demo_photos(seed: int, progress: Callable[[int], None] | None = None) -> int:
    """One or two drawn photos on every EVERY-th idea; returns how many were written."""
    rng = random.Random(seed)
    drawn = [(scene, _drawn(scene, rng)) for scene in SCENES]
    rows, now = [], utcnow()
    for idea_id, author_id in ideas_with_photos():
        files = {}
        for position, (scene, photo) in enumerate(rng.sample(drawn, rng.choice((1, 1, 2)))):
            key = new_key()
            rows.append(
                {
                    "idea_id": idea_id,
                    "owner_id": author_id,
                    "key": key,
                    "description": scene.description,
                    "position": position,
                    "width": photo.width,
                    "height": photo.height,
                    "widths": ",".join(str(width) for width in photo.files),
                    "created_at": now,
                }
            )
            files.update({file_name(key, w): data for w, data in photo.files.items()})
        write_files(files)  # removed again if the demo's transaction does not commit
        if progress:
            progress(1)
    insert_rows(IdeaPhoto, rows)
    return len(rows)
