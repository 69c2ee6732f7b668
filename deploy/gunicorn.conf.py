"""gunicorn in production: `gunicorn -c deploy/gunicorn.conf.py 'participation:create_app()'`.

Behind nginx on the same machine (deploy/nginx/zukunft-st.conf). Settings come from the
environment (deploy/env.example); the app's own settings too, with APP_ENV=production.
"""

import os
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: a worker per request in progress. nginx buffers slow clients and uploads,
# so a worker is busy only while the app works; about 2 per CPU core.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))  # above 1: gthread workers
# A request that takes longer is killed: photo uploads (up to three HEIC images decoded
# and re-encoded) and exports of all ideas take seconds, not a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30  # a restart lets running requests finish
keepalive = 5
# A fresh worker now and then keeps memory from creeping; the jitter keeps them from all
# restarting at once.
max_requests = 2000
max_requests_jitter = 200
preload_app = False  # each worker opens its own database connections after the fork

# Only nginx on this machine may say who the client is and that it spoke https. The app
# takes the address from X-Forwarded-For itself (TRUSTED_PROXY_COUNT=1).
forwarded_allow_ips = "127.0.0.1"

proc_name = "zukunft-st"
# The app writes one line per request itself (ACCESS_LOG, with the request id, without
# the client's address); gunicorn's own would repeat it with the address.
accesslog = None
errorlog = "-"  # stderr: the journal under systemd
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn ≥ 25.1 opens a control socket (gunicornc), by default under $HOME, which
# systemd's ProtectHome hides: under systemd it goes to the RuntimeDirectory.
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = str(Path(os.environ["RUNTIME_DIRECTORY"].split(":")[0]) / "gunicorn.ctl")


def on_starting(server):
    """Metrics of several workers (prometheus_client's multiprocess mode) are files in
    PROMETHEUS_MULTIPROC_DIR; the ones of an earlier run would be counted again."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A worker that ended leaves its gauges behind unless marked dead."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    try:
        from prometheus_client import multiprocess
    except ImportError:
        return
    multiprocess.mark_process_dead(worker.pid)
