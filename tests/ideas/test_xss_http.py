"""Hostile text in titles, descriptions, comments and names never becomes markup."""

import re
from html.parser import HTMLParser

import pytest

from participation.extensions import db
from participation.ideas import services
from participation.ideas.models import Idea
from tests.factories import create_user, get_field, get_municipality
from tests.helpers import e, html_of

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "![bild](javascript:alert(1))",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<object data=javascript:alert(1)>",
    "{{ 7*7 }} {% raw %}",
]
SCRIPT_TAGS = {
    "script",
    "iframe",
    "svg",
    "math",
    "object",
    "embed",
    "frame",
    "base",
    "meta",
    "link",
}
SITE_SCRIPT = re.compile(r"/static/js/site\.js\?v=[0-9a-f]{12}")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}
# The site's own drawings, inline (icons, field illustrations, the district map): no user text
# ever becomes an <svg>, these are recognised by their class.
OWN_SVG_CLASSES = {"icon", "field-art", "district-map-svg"}


class ExecutableMarkup(HTMLParser):
    """Collects every tag or attribute in a page that could run code."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.in_main = False
        self.own_svgs = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "main":
            self.in_main = True
        if tag == "svg" and attributes.get("class") in OWN_SVG_CLASSES:
            self.own_svgs += 1
        elif tag in SCRIPT_TAGS:
            trusted = not self.in_main and (
                (tag == "script" and SITE_SCRIPT.fullmatch(attributes.get("src") or ""))
                or tag in ("meta", "link")
            )
            if not trusted:
                self.problems.append(f"<{tag} {attrs}>")
        for name, value in attrs:
            value = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name == "style" and self.in_main:
                self.problems.append(f"style= on <{tag}>")
            if name in URL_ATTRIBUTES and value.startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f'{name}="{value}" on <{tag}>')

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False


def assert_nothing_executable(response) -> str:
    """No tag or attribute that runs code; raw `<script` only for the site's own file.

    Text like `onerror=` may well appear, escaped, as what someone wrote: the
    parser, not a substring search, decides whether it is markup.
    """
    assert response.status_code == 200
    html = html_of(response)
    parser = ExecutableMarkup()
    parser.feed(html)
    parser.close()
    assert parser.problems == []
    lowered = html.lower()
    assert lowered.count("<script") == lowered.count('<script src="/static/js/site.js?v=')
    assert lowered.count("<svg") == parser.own_svgs
    for tag in ("<iframe", "<object", "<math", "<img", "<details open"):
        assert tag not in lowered
    return html


def submit_through_the_form(browser, title: str, body: str) -> Idea:
    data = {
        "title": title,
        "body": body,
        "field": str(get_field("mobilitaet").id),
        "municipality": str(get_municipality("rheine").id),
    }
    preview = browser.submit("/ideas/new", data)
    assert_nothing_executable(preview)
    response = browser.submit("/ideas/new", {**data, "confirmed": "1"})
    assert response.status_code == 302, html_of(response)
    return db.session.get(Idea, int(response.headers["Location"].rsplit("/", 1)[1]))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_render_as_text_everywhere(as_user, client, payload):
    name = payload[:60]
    author = create_user(display_name="Autorin")
    browser = as_user(author)
    profile = browser.submit(
        "/account/profile",
        {"display_name": name, "kind": "resident", "organisation_name": "", "municipality": "0"},
    )
    assert profile.status_code == 302, html_of(profile)
    title = f"Idee {payload}"[:160]
    body = f"Beschreibung mit Absicht:\n\n{payload}\n\nUnd noch ein ganz normaler Satz."
    idea = submit_through_the_form(browser, title, body)
    services.publish_idea(create_user(roles=("moderator",)), idea)
    db.session.commit()
    commenter = as_user(create_user(display_name="Kim"))
    response = commenter.submit(
        f"/ideas/{idea.id}/comments", {"body": payload}, form_page=f"/ideas/{idea.id}"
    )
    assert response.status_code == 302
    comment_id = int(response.headers["Location"].rsplit("-", 1)[1])

    pages = {
        "list": client.get("/ideas"),
        "search": client.get("/ideas", query_string={"q": payload}),
        "detail": client.get(f"/ideas/{idea.id}"),
        "detail, signed in": commenter.get(f"/ideas/{idea.id}"),
        "account": browser.get("/account"),
        "field": client.get("/fields/mobilitaet"),
        "municipality": client.get("/municipalities/rheine"),
        "report": browser.get(f"/comments/{comment_id}/report"),  # the author reports Kim
        "similar": client.get("/ideas/similar", query_string={"title": title}),
    }
    html = {label: assert_nothing_executable(page) for label, page in pages.items()}

    for label in ("list", "detail", "account", "field", "municipality"):
        assert e(title) in html[label], f"title shown as text on {label}"
    for label in ("list", "detail"):
        assert e(name) in html[label], f"display name shown as text on {label}"
    assert f'value="{e(payload[:200].strip())}"' in html["search"]
    assert "Und noch ein ganz normaler Satz." in html["detail"]
    assert "49" not in html["detail"].split('id="idea-title"', 1)[1].split("</h1>", 1)[0]
