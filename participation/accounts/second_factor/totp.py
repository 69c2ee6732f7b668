"""Codes of authenticator apps: TOTP (RFC 6238), six digits, a new one every 30 seconds.

A code counts only for a time step later than the last one accepted for the person,
so a code seen over someone's shoulder, or sent twice, does not work again.
"""

import hmac
import time
from io import BytesIO

import pyotp
import segno

DIGITS = 6
INTERVAL = 30
# One step either side: phone clocks are often some seconds off, and typing takes time.
DRIFT_STEPS = 1


def new_secret() -> str:
    """160 random bits in base32 (32 letters and digits), as RFC 4226 recommends."""
    return pyotp.random_base32(length=32)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def current_step(now: float | None = None) -> int:
    return int(now if now is not None else time.time()) // INTERVAL


def looks_like_code(text: str) -> bool:
    return len(text) == DIGITS and text.isascii() and text.isdigit()


def normalised(text: str | None) -> str:
    """What people type: "123 456" is "123456"."""
    return "".join((text or "").split())


def matching_step(secret: str, code: str, after: int | None = None) -> int | None:
    """The time step this code belongs to, within the drift and later than `after` (the
    step of the last code used); None when the code is wrong or already used."""
    code = normalised(code)
    if not looks_like_code(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    now = current_step()
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def setup_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address that the QR code holds."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=account, issuer_name=issuer
    )


def qr_svg(uri: str, title: str) -> bytes:
    """The QR code as a standalone SVG, drawn here: no service elsewhere sees the secret."""
    out = BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", scale=5, border=4, dark="#000", light="#fff", title=title
    )
    return out.getvalue()
