"""Asset addresses with a version: `/static/css/site.css?v=<hash of the content>`.

An address then names one content for good, so browsers and nginx may keep it for a
year without asking again (deploy/nginx/zukunft-st.conf), and a changed file gets a new
address with the next page. The hash is read once per file and modification time.
"""

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=512)
def _content_hash(path: str, _modified_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_version(folder: str, filename: str) -> str | None:
    path = os.path.join(folder, filename)
    try:
        modified = os.stat(path).st_mtime_ns
    except (OSError, ValueError):
        return None  # a file that is not there gets its 404 without a version
    return _content_hash(path, modified)


def init_static_versions(app: Flask) -> None:
    @app.url_defaults
    def version_static_addresses(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and app.static_folder:
            version = static_version(app.static_folder, values.get("filename", ""))
            if version:
                values["v"] = version

    @app.after_request  # only the current version: another `v` names nothing for good
    def keep_versioned_assets(response: Response) -> Response:
        if (
            request.endpoint == "static"
            and response.status_code == 200
            and request.args.get("v")
            and request.args["v"]
            == static_version(app.static_folder, request.view_args["filename"])
        ):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        return response
