"""PDF documents with WeasyPrint: self-contained (nothing fetched), in the reader's language."""

from __future__ import annotations

from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils import translation


class NoFetching(Exception):
    """WeasyPrint asked for an outside resource: documents are self-contained."""


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise NoFetching(url)


def render_pdf(template: str, context: dict[str, Any], language: str) -> bytes:
    """Render `template` in `language` (labels, dates) to PDF bytes; nothing is fetched."""
    # Imported here, not at the top: WeasyPrint loads Pango and fonts, which only PDF work needs.
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template, {**context, "language": language})
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return pdf
