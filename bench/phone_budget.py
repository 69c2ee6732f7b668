"""What a phone downloads, and what axe finds, on the public pages: the page budgets of issue 12.

    .venv/bin/python bench/phone_budget.py
    .venv/bin/python bench/phone_budget.py --shots docs/screenshots   # with screenshots
    .venv/bin/python bench/phone_budget.py --base-url http://127.0.0.1:5000   # a running site
    .venv/bin/python bench/phone_budget.py \
        --lighthouse /tmp/audit-tools/node/node_modules/lighthouse/cli/index.js

Without --base-url it builds a fresh SQLite database with the demo data (`flask demo`)
and serves it from a thread (gzip on, as in production). Each page is loaded in a fresh
phone-sized Chromium (390 × 844, no cache): the requests and bytes on the wire until the
page is quiet without scrolling ("first screen"), then again after scrolling to the end
(lazy photos load), and the axe-core violations (WCAG 2.0–2.2 A/AA) in the light and the
dark colour scheme. It prints a table and exits 1 when a budget is exceeded:

- text pages: at most 5 requests and 30 KB transferred in all;
- pages with photos: at most 120 KB on the first screen;
- every page: no axe violation, no sideways scrolling.

Needs Debian's Chromium at /usr/bin/chromium (make install brings Playwright).
"""

import argparse
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KB = 1024
TEXT_BUDGET = {"requests": 5, "bytes": 30 * KB}
PHOTO_FIRST_SCREEN_BYTES = 120 * KB
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
MOBILE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)


@dataclass
class Page:
    name: str
    path: str
    has_photos: bool = False
    shot: str = ""  # file name of its screenshots (--shots); none without


@dataclass
class Measurement:
    page: Page
    first_requests: int = 0
    first_bytes: int = 0
    all_requests: int = 0
    all_bytes: int = 0
    overflow: bool = False
    violations: dict = field(default_factory=dict)  # scheme -> [rule ids]

    def failures(self) -> list[str]:
        found = []
        if self.page.has_photos:
            if self.first_bytes > PHOTO_FIRST_SCREEN_BYTES:
                found.append(f"erster Bildschirm {self.first_bytes} B > {PHOTO_FIRST_SCREEN_BYTES}")
        else:
            if self.all_requests > TEXT_BUDGET["requests"]:
                found.append(f"{self.all_requests} Anfragen > {TEXT_BUDGET['requests']}")
            if self.all_bytes > TEXT_BUDGET["bytes"]:
                found.append(f"{self.all_bytes} B > {TEXT_BUDGET['bytes']}")
        if self.overflow:
            found.append("scrollt seitwärts")
        for scheme, rules in self.violations.items():
            if rules:
                found.append(f"axe ({scheme}): {', '.join(rules)}")
        return found


def build_demo_site(ideas: int) -> str:
    """A fresh SQLite file with the district and demo data; returns its URL."""
    path = Path(tempfile.mkdtemp(prefix="phone-budget-")) / "site.sqlite"
    url = f"sqlite:///{path}"
    env = {**os.environ, "DATABASE_URL": url, "PHOTO_FOLDER": str(path.parent / "photos")}
    flask = [sys.executable, "-m", "flask", "--app", "participation"]
    for args in (["db", "upgrade"], ["seed"], ["demo", "--ideas", str(ideas)]):
        print("==", " ".join(args), file=sys.stderr)
        subprocess.run(flask + args, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    os.environ.update(env)
    return url


def serve_in_thread() -> str:
    from werkzeug.serving import make_server

    from participation import create_app

    app = create_app()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", app


def pages_of(app) -> list[Page]:
    """The measured pages; the idea with photos is looked up in the demo data."""
    pages = [
        Page("Startseite", "/", has_photos=True, shot="home"),
        Page("Ideenliste", "/ideas", has_photos=True, shot="ideas"),
        Page("Vision (Text)", "/vision"),
        Page("Ablauf (Text)", "/process"),
        Page("Kommunen", "/municipalities"),
        Page("Datenschutz (Text)", "/datenschutz"),
        Page("Anmelden", "/login"),
        Page("Roadmap", "/roadmap"),
    ]
    idea_id = idea_with_photos(app)
    if idea_id:
        pages.insert(
            2, Page("Idee mit Fotos", f"/ideas/{idea_id}", has_photos=True, shot="idea-with-photos")
        )
    return pages


def idea_with_photos(app) -> int | None:
    from sqlalchemy import text

    from participation.extensions import db

    with app.app_context():
        try:
            row = db.session.execute(
                text(
                    "SELECT p.idea_id FROM idea_photos p JOIN ideas i ON i.id = p.idea_id "
                    "WHERE i.listed AND p.idea_id IS NOT NULL "
                    "GROUP BY p.idea_id ORDER BY count(*) DESC, p.idea_id LIMIT 1"
                )
            ).first()
        except Exception:  # an older schema without photos
            return None
    return row[0] if row else None


def measure(browser, base: str, page_def: Page, axe_source: str, shots: Path | None):
    result = Measurement(page_def)
    for scheme in ("light", "dark"):
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=3,
            is_mobile=True,
            has_touch=True,
            user_agent=MOBILE_UA,
            color_scheme=scheme,
            service_workers="block",
        )
        page = context.new_page()
        wire = _record_wire(context, page)
        page.goto(base + page_def.path, wait_until="load")
        _settle(page)
        if scheme == "light":
            result.first_requests, result.first_bytes = wire.totals()
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            _settle(page)
            result.all_requests, result.all_bytes = wire.totals()
            page.evaluate("window.scrollTo(0, 0)")
            result.overflow = page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
            )
        if shots and page_def.shot:
            save_screenshot(page, shots / f"{page_def.shot}-{scheme}.webp")
        page.evaluate(axe_source + "\n;true")
        found = page.evaluate(
            "t => axe.run(document, {runOnly: {type: 'tag', values: t}, "
            "resultTypes: ['violations']})",
            AXE_TAGS,
        )
        result.violations[scheme] = [v["id"] for v in found["violations"]]
        context.close()
    return result


def save_screenshot(page, path: Path) -> None:
    """The first screen as WebP: a tenth of the PNG's size, still sharp on a phone."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(io.BytesIO(page.screenshot())) as image:
        image.convert("RGB").save(path, "WEBP", quality=80, method=6)


class _Wire:
    def __init__(self):
        self.sizes: dict[str, int] = {}

    def totals(self) -> tuple[int, int]:
        return len(self.sizes), sum(self.sizes.values())


def _record_wire(context, page) -> _Wire:
    """Bytes on the wire per request (headers + encoded body), as DevTools counts them."""
    wire = _Wire()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.on("Network.requestWillBeSent", lambda e: wire.sizes.setdefault(e["requestId"], 0))
    cdp.on(
        "Network.loadingFinished",
        lambda e: wire.sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    return wire


def _settle(page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):  # a page that keeps polling is measured too
        page.wait_for_load_state("networkidle", timeout=5000)
    time.sleep(0.2)


def axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


def lighthouse_scores(cli: Path, url: str) -> dict[str, int]:
    """The four Lighthouse scores (mobile, simulated slow 4G), from its own CLI."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS[1:]])
    done = subprocess.run(
        [
            "node",
            str(cli),
            url,
            "--output=json",
            "--quiet",
            f"--chrome-flags={flags}",
            "--only-categories=performance,accessibility,best-practices,seo",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
    )
    report = json.loads(done.stdout)
    return {name: round(c["score"] * 100) for name, c in report["categories"].items()}


def print_table(results: list[Measurement]) -> None:
    print(
        f"{'Seite':24} {'Anfr.':>5} {'1. Bildschirm':>13} {'Anfr. ges.':>10} "
        f"{'gesamt':>9}  Ergebnis"
    )
    for r in results:
        verdict = "; ".join(r.failures()) or "im Budget, axe 0 (hell/dunkel)"
        print(
            f"{r.page.name:24} {r.first_requests:5} {r.first_bytes / KB:10.1f} KB "
            f"{r.all_requests:10} {r.all_bytes / KB:6.1f} KB  {verdict}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", help="measure a running site instead of a fresh demo")
    parser.add_argument("--ideas", type=int, default=300, help="demo ideas for the fresh site")
    parser.add_argument(
        "--shots", type=Path, help="folder for light/dark screenshots of home, list and idea"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--lighthouse",
        type=Path,
        metavar="CLI",
        help="Lighthouse's cli/index.js: also score home, list and photo idea",
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    if args.base_url:
        from participation import create_app

        base, app = args.base_url.rstrip("/"), create_app()
    else:
        build_demo_site(args.ideas)
        base, app = serve_in_thread()
    axe_source = axe_script()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        results = [measure(browser, base, p, axe_source, args.shots) for p in pages_of(app)]
        browser.close()
    print_table(results)
    if args.lighthouse:
        for r in results:
            if r.page.has_photos:
                scores = lighthouse_scores(args.lighthouse, base + r.page.path)
                print(f"Lighthouse {r.page.name}: {scores}")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "page": r.page.path,
                        "first_requests": r.first_requests,
                        "first_bytes": r.first_bytes,
                        "requests": r.all_requests,
                        "bytes": r.all_bytes,
                        "axe": r.violations,
                        "overflow": r.overflow,
                    }
                    for r in results
                ],
                indent=2,
            )
        )
    return 1 if any(r.failures() for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
