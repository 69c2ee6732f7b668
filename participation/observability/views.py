"""/metrics, for Prometheus at the configured addresses only."""

import ipaddress

from flask import Blueprint, Response, abort, current_app, request

from ..extensions import limiter
from .metrics import scrape

bp = Blueprint("observability", __name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def allowed_networks(setting: str) -> list[Network]:
    """METRICS_ALLOWED_ADDRESSES as networks; a typing error stops the start."""
    networks = []
    for entry in filter(None, (part.strip() for part in setting.split(","))):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise RuntimeError(
                f"METRICS_ALLOWED_ADDRESSES: „{entry}“ ist keine Adresse und kein Netz."
            ) from None
    return networks


def may_scrape() -> bool:
    """The client's address (behind trusted proxies: the one they saw) is allowed.

    A request that passed a proxy the app does not trust shows only that proxy's address,
    often 127.0.0.1: it proves nothing, so it is refused.
    """
    forwarded = "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    if forwarded and not current_app.config["TRUSTED_PROXY_COUNT"]:
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in current_app.extensions["metrics_networks"])


@bp.get("/metrics")
@limiter.exempt
def metrics():
    if not may_scrape():
        abort(404)  # as if there were no such page
    body, content_type = scrape()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
