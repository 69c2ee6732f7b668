"""Redirect targets from the client are only followed within the site."""

from urllib.parse import urlsplit

from flask import redirect, url_for


def is_local_path(target: str | None) -> bool:
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def redirect_back(target: str | None, fallback_endpoint: str):
    return redirect(target if is_local_path(target) else url_for(fallback_endpoint))
