"""The one way user text becomes HTML: light Markdown, then bleach."""

import re
from functools import lru_cache
from html import unescape

import bleach
import markdown
from markupsafe import Markup

# "#Zukunft" at the start of a line is a hashtag, not a heading (headings need a space).
_HASHTAG_AT_LINE_START = re.compile(r"^(?=#+[^\s#])", re.MULTILINE)
ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "h2", "h3"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
EXTERNAL_REL = "nofollow noopener ugc"
# "<" starts raw HTML, shown as text, unless it opens an autolink such as <https://…>.
_RAW_HTML_START = re.compile(r"<(?!https?://[^\s<>]*>)", re.IGNORECASE)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_DROPPED_BY_BROWSERS = re.compile(r"[\t\n\r]|^[\x00-\x20]+|[\x00-\x20]+$")


def _leaves_the_site(href: str) -> bool:
    """True unless the link is a path on this site, read the way browsers read it.

    Browsers drop tabs and line breaks, trim control characters and treat "\\" as
    "/", so "/\\evil.org" and " //evil.org" lead elsewhere just like "HTTPS://…".
    """
    url = _DROPPED_BY_BROWSERS.sub("", unescape(href)).replace("\\", "/")
    return url.startswith("//") or _SCHEME.match(url) is not None


def _external_link_rel(attrs: dict, new: bool = False) -> dict:
    """Links elsewhere get exactly these rel values, replacing any that were there."""
    if _leaves_the_site(attrs.get((None, "href"), "")):
        attrs[(None, "rel")] = EXTERNAL_REL
    return attrs


def render_markdown(source: str | None) -> Markup:
    """Render Markdown written by anyone into HTML that is safe to show."""
    return Markup(_sanitised_html(source or ""))  # noqa: S704 - sanitised by bleach


@lru_cache(maxsize=4096)
def _sanitised_html(source: str) -> str:
    """Markdown, then bleach. A pure function of the text, so popular pages reuse it."""
    # Raw HTML in what people write is shown as text, not interpreted.
    text = _RAW_HTML_START.sub("&lt;", _HASHTAG_AT_LINE_START.sub(r"\\", source))
    html = markdown.markdown(
        text,
        extensions=["sane_lists"],
        output_format="html",
    )
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,
    )
    return bleach.linkify(cleaned, callbacks=[_external_link_rel], skip_tags={"code"})


def plain_text(source: str | None) -> str:
    """Text without any markup, e.g. for excerpts and e-mails."""
    return bleach.clean(markdown.markdown(source or ""), tags=set(), strip=True).strip()


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LIST_MARKER = re.compile(r"^\s*(?:[-+*]|\d+[.)])\s+", re.MULTILINE)
_EMPHASIS = re.compile(r"[*_`~]+|^\s*(?:#+|>)\s*", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def excerpt(source: str | None, length: int = 180) -> str:
    """A short plain-text teaser of Markdown, cheap enough for every card of a list.

    The result is plain text and is escaped by the template like any other string.
    """
    text = (source or "")[: length * 3]
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", _LIST_MARKER.sub("", text))
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + " …"
