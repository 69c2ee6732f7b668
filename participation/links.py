"""Absolute links to the site, for mails and exports."""

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a mail. State changes also happen outside a request (CLI,
    workers), where `url_for` cannot build URLs without SERVER_NAME."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        root = current_app.config["APPLICATION_ROOT"]
        path = current_app.url_map.bind("localhost", script_name=root).build(endpoint, values)
    return current_app.config["SITE_URL"] + path
