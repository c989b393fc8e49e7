"""Rich text for e-learning lessons: a small, safe subset of HTML.

Authors type simple HTML into a textarea. It is cleaned with nh3 (an HTML sanitiser built on
ammonia) when it is saved, and again whenever it is rendered, so the only HTML a learner's browser
ever receives is: paragraphs, two levels of heading, lists, strong and emphasis, quotations, line
breaks and links to http(s) or mailto addresses (which open with rel="noopener noreferrer").
Scripts, styles, event handlers (on*), images, frames, forms and every other tag or attribute are
removed; the text inside a removed tag stays, except for script and style whose content goes too.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed with everything inside them (other disallowed tags keep their text).
DROPPED_WITH_CONTENT = frozenset({"script", "style"})


def sanitise(html: str) -> str:
    """`html` with everything outside the allowed subset removed."""
    return nh3.clean(
        html or "",
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def render(html: str) -> SafeString:
    """Lesson text ready for a template: sanitised here, and only then marked safe."""
    return mark_safe(sanitise(html))  # noqa: S308 - sanitised on the line above
