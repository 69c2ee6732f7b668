"""Security headers for every response."""

from flask import Flask, Response, request, session

CONTENT_SECURITY_POLICY = "; ".join(
    [
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
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def keep_private_pages_out_of_caches(response: Response) -> Response:
    """Whatever is answered to a session with something in it, or to a link with a token
    in it, is for that one person: no browser, proxy or shared cache keeps a copy.

    A signed-in person's session holds their id, and every page shows their name; an
    anonymous session holds at least the CSRF token its forms carry. Public pages for a
    visitor without a session keep whatever caching they have.
    """
    if request.endpoint == "static":
        return response  # assets are the same for everyone
    token_link = "token" in (request.view_args or {})
    if session or session.modified or token_link:
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.after_request(keep_private_pages_out_of_caches)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.after_request(_strict_transport)


def _strict_transport(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
