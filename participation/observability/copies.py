"""Pages handed out from the page cache (participation/pagecache.py) never reach Flask:
they get their request id, metrics and access line here."""

from .logs import MAX_LOGGED_PATH, request_id_from, write_access_line
from .metrics import observe_request


def copy_served(access_log: bool):
    def served(environ, endpoint: str, status: int, seconds: float) -> str:
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        observe_request(endpoint, "GET", status, seconds)
        if access_log:
            path = environ.get("PATH_INFO", "")[:MAX_LOGGED_PATH]
            write_access_line("GET", path, endpoint, status, seconds, request_id=request_id)
        return request_id

    return served
