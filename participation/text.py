"""The one way user text becomes HTML: light Markdown, then bleach."""

import bleach
import markdown
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "h2", "h3"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _external_link_rel(attrs: dict, new: bool = False) -> dict:
    href = attrs.get((None, "href"), "")
    if href.startswith(("http://", "https://")):
        attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs


def render_markdown(source: str | None) -> Markup:
    """Render Markdown written by anyone into HTML that is safe to show."""
    html = markdown.markdown(source or "", extensions=["sane_lists"], output_format="html")
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    linked = bleach.linkify(cleaned, callbacks=[_external_link_rel], skip_tags={"code"})
    return Markup(linked)  # noqa: S704 - sanitised by bleach just above


def plain_text(source: str | None) -> str:
    """Text without any markup, e.g. for excerpts and e-mails."""
    return bleach.clean(markdown.markdown(source or ""), tags=set(), strip=True).strip()
