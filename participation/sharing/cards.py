"""Link preview images (Open Graph, 1200 × 630), drawn with Pillow in the brand colours.

A card: the site's name, what it is ("Idee", "Leitprojekt"), the title in large type and a
band with the field of action and the town. With a photo: the photo cropped to fill the
image and a band with the title over its lower part. Pure functions of their input: a
card is kept in memory per content; a photo card is drawn on demand (about 50 ms) and
left to HTTP caching (sharing/views.py).
"""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BRAND = (0, 90, 112)  # --brand
BRAND_DARK = (0, 61, 77)  # --brand-dark
ACCENT = (255, 210, 63)  # --accent
INK = (27, 31, 35)  # --ink
PAPER = (255, 255, 255)
FONTS = Path(__file__).with_name("fonts")
REGULAR, BOLD = "DejaVuSans-Latin.ttf", "DejaVuSans-Bold-Latin.ttf"
# The characters the shipped font subset has (fonts/README.md); others are left out.
DRAWABLE = (
    (0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x1E00, 0x1EFF), (0x2010, 0x2027),
    (0x2030, 0x205E), (0x20AC, 0x20AC), (0x2122, 0x2122),
)  # fmt: skip
TITLE_SIZES = (72, 64, 56, 48)  # the largest that fits
LINE_HEIGHT = 1.18
BAND = 104  # the white band with field and town at the bottom of a card
JPEG_QUALITY = 88


@dataclass(frozen=True)
class PreviewCard:
    """What a preview shows, all plain text."""

    site_name: str
    kind: str  # "Idee", "Leitprojekt", …
    title: str
    details: str  # "Mobilität · Rheine"


@lru_cache(maxsize=16)
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


def drawable(text: str) -> str:
    """The text with only characters the font has, one space between words."""
    kept = (c for c in unicodedata.normalize("NFC", text) if _has_glyph(c))
    return " ".join("".join(kept).split())


def _has_glyph(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in DRAWABLE)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a word wider than the line is cut where it must be."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while face.getlength(line) > width:
            cut = _longest_prefix(line, face, width)
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def _longest_prefix(word: str, face: ImageFont.FreeTypeFont, width: int) -> int:
    cut = len(word)
    while cut > 1 and face.getlength(word[:cut]) > width:
        cut -= 1
    return cut


def fitted_title(text: str, width: int, height: int, sizes=TITLE_SIZES, name: str = BOLD):
    """(font, lines): the largest size whose lines fit in width × height; at the smallest
    size, the lines that fit, the last ending in "…"."""
    for size in sizes:
        face = font(name, size)
        room = max(int(height // _line_step(face)), 1)
        lines = wrap(text, face, width)
        if len(lines) <= room:
            return face, lines
    lines = lines[:room]
    last = lines[-1]
    while last and face.getlength(last + " …") > width:
        last = last[:-1].rstrip()
    lines[-1] = last + " …"
    return face, lines


def _line_step(face: ImageFont.FreeTypeFont) -> int:
    return round(face.size * LINE_HEIGHT)


def _draw_lines(draw, lines: list[str], face, top: int, fill) -> int:
    """The lines from `top` down; returns where the next line would start."""
    step = _line_step(face)
    for number, line in enumerate(lines):
        draw.text((MARGIN, top + number * step), line, font=face, fill=fill)
    return top + len(lines) * step


def draw_card(card: PreviewCard) -> Image.Image:
    """The preview without a photo: brand colours, site name, kind, title, details."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BRAND)
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, 56), drawable(card.site_name), font=font(BOLD, 40), fill=ACCENT)
    kind_face, kind = font(BOLD, 28), drawable(card.kind)
    right = MARGIN + 28 + round(kind_face.getlength(kind))
    draw.rounded_rectangle((MARGIN, 128, right, 176), radius=24, fill=PAPER)
    draw.text((MARGIN + 14, 152), kind, font=kind_face, fill=BRAND_DARK, anchor="lm")
    text_width, title_top = WIDTH - 2 * MARGIN, 204
    face, lines = fitted_title(drawable(card.title), text_width, HEIGHT - BAND - 16 - title_top)
    _draw_lines(draw, lines, face, title_top, PAPER)
    draw.rectangle((0, HEIGHT - BAND, WIDTH, HEIGHT), fill=PAPER)
    draw.rectangle((0, HEIGHT - BAND, 16, HEIGHT), fill=ACCENT)
    face, lines = fitted_title(drawable(card.details), text_width, 48, (34, 28), REGULAR)
    draw.text((MARGIN, HEIGHT - BAND // 2), lines[0], font=face, fill=INK, anchor="lm")
    return image


def draw_photo_card(card: PreviewCard, photo: Image.Image) -> Image.Image:
    """The photo cropped to fill the image, the title on a band over its lower part."""
    image = ImageOps.fit(ImageOps.exif_transpose(photo).convert("RGB"), (WIDTH, HEIGHT))
    face, lines = fitted_title(drawable(card.title), WIDTH - 2 * MARGIN, 140, (56, 48, 40))
    band_top = HEIGHT - (len(lines) * _line_step(face) + 120)
    image.paste(BRAND_DARK, (0, band_top, WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, band_top, WIDTH, band_top + 8), fill=ACCENT)
    bottom = _draw_lines(draw, lines, face, band_top + 32, PAPER)
    caption = f"{drawable(card.site_name)} · {drawable(card.kind)}"
    draw.text((MARGIN, bottom + 10), caption, font=font(REGULAR, 28), fill=ACCENT)
    return image


@lru_cache(maxsize=64)
def card_png(card: PreviewCard) -> bytes:
    """The card as PNG (flat colours: 20 to 60 KB), kept per content."""
    out = BytesIO()
    draw_card(card).save(out, "PNG")
    return out.getvalue()


def photo_card_jpeg(card: PreviewCard, photo: Image.Image) -> bytes:
    """The photo card as JPEG, 4:4:4 so the letters keep sharp edges."""
    out = BytesIO()
    draw_photo_card(card, photo).save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    return out.getvalue()
