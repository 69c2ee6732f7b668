"""Files as phones (and attackers) send them, made with Pillow; and checks on served files."""

import io

import pillow_heif
from PIL import Image, ImageCms, ImageDraw
from PIL.PngImagePlugin import PngInfo

pillow_heif.register_heif_opener()

SERIAL = "SN-4711-0815-KAMERA"
CAMERA = "Fotoapparat-Testmodell"
SECRET_TEXT = "Wohnort-Hinweis-im-Textblock"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-'
    b'rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'dc:creator="Geheime Urheberin"/></rdf:RDF></x:xmpmeta>'
)
ORIENTATION, MAKE, MODEL, BODY_SERIAL, GPS_IFD = 0x0112, 0x010F, 0x0110, 0xA431, 0x8825
# Steinfurt, as a phone would write it: degrees, minutes, seconds.
GPS = {1: "N", 2: (52.0, 8.0, 52.5), 3: "E", 4: (7.0, 20.0, 11.0)}


def picture(width: int = 800, height: int = 600, mode: str = "RGB") -> Image.Image:
    """A sky over a field with a sun in the upper left: wider than high, one red corner,
    so a turned photo shows where its top went."""
    image = Image.new(mode, (width, height), (110, 170, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(90, 150, 60))
    draw.ellipse((20, 20, 20 + height // 4, 20 + height // 4), fill=(250, 210, 60))
    draw.rectangle((0, 0, 8, 8), fill=(255, 0, 0))
    return image


def exif_with_place(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation  # 6: the camera was turned, show it turned right
    exif[MAKE], exif[MODEL], exif[BODY_SERIAL] = "Testkamera", CAMERA, SERIAL
    exif[GPS_IFD] = GPS
    return exif


def jpeg_from_a_phone(width: int = 800, height: int = 600) -> bytes:
    """A JPEG with GPS position, camera and serial number, orientation, XMP, a comment and
    a colour profile: everything a phone puts in and the site must take out."""
    out = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    picture(width, height).save(
        out,
        "JPEG",
        quality=90,
        exif=exif_with_place().tobytes(),
        icc_profile=profile,
        xmp=XMP,
        comment=SECRET_TEXT.encode(),
    )
    return out.getvalue()


def plain_jpeg(width: int = 800, height: int = 600) -> bytes:
    out = io.BytesIO()
    picture(width, height).save(out, "JPEG", quality=85)
    return out.getvalue()


def heic_from_an_iphone(width: int = 800, height: int = 600) -> bytes:
    out = io.BytesIO()
    picture(width, height).save(out, "HEIF", exif=exif_with_place().tobytes(), quality=80)
    return out.getvalue()


def png_with_text(width: int = 640, height: int = 480) -> bytes:
    info = PngInfo()
    info.add_text("Comment", SECRET_TEXT)
    info.add_itxt("Author", SERIAL)
    out = io.BytesIO()
    picture(width, height, "RGBA").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp(width: int = 640, height: int = 480) -> bytes:
    out = io.BytesIO()
    picture(width, height).save(out, "WEBP")
    return out.getvalue()


def decompression_bomb() -> bytes:
    """A few KB that claim 20000 × 20000 pixels: 400 megapixels once decoded."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">'
    b'<script>alert(1)</script><rect width="200" height="200" fill="red"/></svg>'
)


def larger_than(megabytes: float) -> bytes:
    """A real photo padded past the limit (decoders ignore what follows the image)."""
    photo = jpeg_from_a_phone()
    return photo + b"\0" * (int(megabytes * 1024 * 1024) - len(photo) + 1)


def upload(data: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg"):
    """A file field's value for the test client's multipart form."""
    return (io.BytesIO(data), name, content_type)


# --- What a served file holds ----------------------------------------------------------


def webp_chunks(data: bytes) -> list[str]:
    """The chunk names of a WebP (RIFF) file, e.g. ["VP8 "] or ["VP8X", "ALPH", "VP8 "]."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", "not a WebP file"
    names, offset = [], 12
    while offset + 8 <= len(data):
        name = data[offset : offset + 4].decode("ascii")
        size = int.from_bytes(data[offset + 4 : offset + 8], "little")
        names.append(name)
        offset += 8 + size + (size % 2)
    return names


def assert_without_metadata(data: bytes) -> Image.Image:
    """A WebP with image data only: no EXIF, XMP or colour profile chunk, nothing of the
    original's texts anywhere in the bytes. Returns the decoded image."""
    chunks = webp_chunks(data)
    assert not {"EXIF", "XMP ", "ICCP"} & set(chunks), chunks
    for secret in (SERIAL, CAMERA, SECRET_TEXT, "Testkamera", "Geheime Urheberin"):
        assert secret.encode() not in data, secret
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    assert not image.getexif(), dict(image.getexif())
    assert not {"exif", "xmp", "icc_profile"} & set(image.info), image.info
    return image
