"""Turning an upload into clean photos: decoded, upright, without metadata, in a few widths.

What decides is the content, never the file's name or the type the browser claims: a
PDF or a web page named "foto.jpg" does not decode as a photo and is refused. Only the
decoded pixels go on; a new WebP file is written from them, so nothing of the original
file survives: no place (GPS), camera, serial number, XMP or comments.
"""

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from ..rules import RuleError

Image.init()  # every opener Pillow has: `formats=` below names WebP, which is not preloaded
pillow_heif.register_heif_opener()  # photos from iPhones (HEIC)

# JPEG includes MPO, the JPEG of many phone cameras with a second picture (depth) attached:
# the first one is the photo. HEIF: HEIC from iPhones. SVG, GIF, TIFF, PDF and the rest
# do not open at all.
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
WIDTHS = (480, 960, 1600)
SMALLEST_SIDE = 64
MOST_ELONGATED = 8  # a panorama is about 4:1; beyond this it is a banner or a trick
WEBP_QUALITY = 80

NOT_A_PHOTO = (
    "Diese Datei ist kein Foto im Format JPEG, PNG, WebP oder HEIC. "
    "Bitte wählen Sie ein anderes Foto aus."
)
BROKEN = "Dieses Foto ist beschädigt oder unvollständig. Bitte wählen Sie es noch einmal aus."
TOO_MANY_PIXELS = (
    "Dieses Bild hat mehr als {megapixels} Megapixel. Bitte wählen Sie ein kleineres Foto aus."
)
TOO_SMALL = "Dieses Bild ist sehr klein. Bitte wählen Sie ein Foto mit mindestens 64 Pixeln Breite."
TOO_ELONGATED = "Dieses Bild ist sehr schmal oder sehr lang. Bitte wählen Sie ein anderes Foto aus."


class PhotoRefused(RuleError):
    """The upload is not a photo this site takes; the message says why, for the person."""


@dataclass(frozen=True)
class ProcessedPhoto:
    width: int  # of the largest size
    height: int
    files: dict[int, bytes]  # WebP bytes by width, smallest first


def process_photo(data: bytes, max_pixels: int) -> ProcessedPhoto:
    """Decode `data` and write it anew in WIDTHS (never wider than it is); PhotoRefused
    when it is no photo, too large in pixels (a decompression bomb) or broken."""
    image = _upright(_decoded(data, max_pixels))
    _check_shape(image)
    image = _in_srgb(image)
    files = {}
    for width, variant in _variants(image):
        files[width] = _webp(variant)
    largest = max(files)
    return ProcessedPhoto(largest, _height_at(image, largest), dict(sorted(files.items())))


def _decoded(data: bytes, max_pixels: int) -> Image.Image:
    """The first picture in the file, opened from its content; the pixel count is checked
    from the header, before anything is decompressed."""
    too_many = PhotoRefused(TOO_MANY_PIXELS.format(megapixels=max_pixels // 1_000_000))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
            raise PhotoRefused(NOT_A_PHOTO) from None
        if image.width * image.height > max_pixels:
            raise too_many
        image.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))  # JPEG: decode at a reduced scale
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many from None
        except (OSError, ValueError, SyntaxError, EOFError, MemoryError):
            raise PhotoRefused(BROKEN) from None
    return image


def _upright(image: Image.Image) -> Image.Image:
    """Turned as the camera's orientation tag says; the tag itself goes with the rest."""
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, EOFError):
        raise PhotoRefused(BROKEN) from None


def _check_shape(image: Image.Image) -> None:
    short, long = sorted(image.size)
    if short < SMALLEST_SIDE:
        raise PhotoRefused(TOO_SMALL)
    if long > short * MOST_ELONGATED:
        raise PhotoRefused(TOO_ELONGATED)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


_SRGB = ImageCms.createProfile("sRGB")


def _in_srgb(image: Image.Image) -> Image.Image:
    """RGB (or RGBA) in sRGB: colour profiles such as an iPhone's Display P3 are applied,
    not copied, so the colours stay right once the profile is gone."""
    mode = "RGBA" if _has_alpha(image) else "RGB"
    if image.mode.startswith("I;16"):
        image = image.point(lambda value: value / 256).convert("L")
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile: the colours as they are
    return image.convert(mode) if image.mode != mode else image


def _height_at(image: Image.Image, width: int) -> int:
    return max(round(image.height * width / image.width), 1)


def _variants(image: Image.Image):
    """(width, image) from the largest down, each scaled from the one before (faster);
    never wider than the photo itself."""
    widths = {width for width in WIDTHS if width < image.width} | {min(image.width, WIDTHS[-1])}
    current = image
    for width in sorted(widths, reverse=True):
        if width != current.width:
            size = (width, _height_at(image, width))
            current = current.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        yield width, current


def _webp(image: Image.Image) -> bytes:
    """A new file from the pixels alone: no EXIF, XMP or colour profile."""
    image.info = {}
    out = io.BytesIO()
    image.save(out, "WEBP", quality=WEBP_QUALITY, method=4, exif=b"", xmp=b"", icc_profile=b"")
    return out.getvalue()
