"""Reading pages in tests the way a person reads them."""

from __future__ import annotations

import re
from html import unescape


def error_summary(response) -> list[str]:
    """The messages in the page's GOV.UK error summary (fails if there is none)."""
    html = response.content.decode()
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert found, "no error summary on the page"
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def page_text(response) -> str:
    """The page as a person reads it: scripts and tags gone, entities decoded, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
