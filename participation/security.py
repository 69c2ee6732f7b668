"""Security headers for every response."""

from functools import lru_cache

from flask import Flask, Response, current_app, request, session

from .maps import check_tile_url, tile_sources

CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
)
CONTENT_SECURITY_POLICY = "; ".join(CSP_DIRECTIVES)


@lru_cache(maxsize=4)
def content_security_policy(tile_url: str) -> str:
    """The policy; with a tile server (maps.py), images from exactly its host too."""
    if not tile_url:
        return CONTENT_SECURITY_POLICY
    images = " ".join(("img-src 'self' data:", *tile_sources(tile_url)))
    return "; ".join(images if d.startswith("img-src ") else d for d in CSP_DIRECTIVES)


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    tile_url = (current_app.config.get("MAP_TILE_URL") or "").strip()
    response.headers.setdefault("Content-Security-Policy", content_security_policy(tile_url))
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def keep_private_pages_out_of_caches(response: Response) -> Response:
    """Whatever is answered to a session with something in it, or to a link with a token
    in it, is for that one person: no browser, proxy or shared cache keeps a copy.

    A signed-in person's session holds their id, and every page shows their name; an
    anonymous session holds at least the CSRF token its forms carry. Public pages for a
    visitor without a session keep whatever caching they have, and so does an answer that
    declares itself public without touching the session (a published idea's photo).
    """
    if request.endpoint == "static":
        return response  # assets are the same for everyone
    if response.cache_control.public and not session.modified:
        return response
    token_link = "token" in (request.view_args or {})
    if session or session.modified or token_link:
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def init_security(app: Flask) -> None:
    check_tile_url((app.config.get("MAP_TILE_URL") or "").strip())
    app.after_request(add_security_headers)
    app.after_request(keep_private_pages_out_of_caches)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.after_request(_strict_transport)


def _strict_transport(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
