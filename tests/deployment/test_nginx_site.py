"""deploy/nginx's site on its own: that nginx accepts it and lets the idea form through.
Runs without PostgreSQL and Redis (the SQLite run too); test_two_servers.py shows the rest."""

import re
import shutil

from config import BASE_DIR, ProductionConfig
from tests.deployment import stack
from tests.deployment.conftest import require

MEGABYTE = 1024 * 1024


def test_the_site_lets_the_idea_form_with_three_photos_through_and_not_much_more():
    [size] = re.findall(r"^\s*client_max_body_size (\d+)m;", stack.SITE_FILE.read_text(), re.M)
    largest_form = ProductionConfig.PHOTO_FORM_MAX_CONTENT_LENGTH
    # Large enough that the app, not nginx, answers every idea form (in German)...
    assert int(size) * MEGABYTE >= largest_form
    # ...and no larger than it needs: nginx buffers every request body up to this size.
    assert int(size) * MEGABYTE <= largest_form + 2 * MEGABYTE


def test_nginx_accepts_the_site(tmp_path):
    require(None if stack.nginx_binary() else "nginx ist nicht installiert (apt-get install nginx)")
    require(None if shutil.which("openssl") else "openssl ist nicht installiert")
    certificate, key = stack.make_certificate(tmp_path)
    site = tmp_path / "site.conf"
    site.write_text(
        stack.render_site(
            http_port=stack.free_port(),
            https_port=stack.free_port(),
            certificate=certificate,
            key=key,
            app_folder=BASE_DIR,
            upstreams=["127.0.0.1:8000", "127.0.0.1:8001"],
        )
    )
    config = tmp_path / "nginx.conf"
    config.write_text(stack.main_config(tmp_path, site))

    result = stack.check_config(config, tmp_path)

    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr, result.stderr
