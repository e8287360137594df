"""Posts are written in Markdown and stored as sanitised HTML.

markdown-it-py renders CommonMark (with tables and strikethrough); raw HTML in the text is
allowed through the renderer and then cleaned by nh3 against a short allow-list of tags and
attributes, so whatever an editor pastes (a <script>, an onerror=, a javascript: link, an
<iframe>) never reaches a public page. Links get rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "del", "blockquote", "ul", "ol", "li",
    "a", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])


def sanitise(html: str) -> str:
    """Only the tags, attributes and link schemes above survive; the rest is dropped (script
    and style elements with their content)."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render(text: str) -> str:
    """Markdown to safe HTML. Images are not taken from the text (photos are uploaded, resized
    and stripped of their metadata, ``public.photos``)."""
    return sanitise(_markdown.render(text))
