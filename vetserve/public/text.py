"""Posts are written in Markdown and stored as sanitised HTML.

markdown-it-py renders CommonMark (with tables and strikethrough); raw HTML in the text is
allowed through the renderer and then cleaned by nh3 against a short allow-list of tags and
attributes, so whatever an editor pastes (a <script>, an onerror=, a javascript: link, an
<iframe>) never reaches a public page. Links get rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "del", "blockquote", "ul", "ol", "li",
    "a", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# A line break inside a paragraph is a space in HTML: between two Chinese characters (or their
# punctuation) it shows as a gap ("积雪。 场地"), so it is dropped there.
_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(f"([{_CJK}])\n([{_CJK}])")

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
    return sanitise(_CJK_BREAK.sub(r"\1\2", _markdown.render(text)))
