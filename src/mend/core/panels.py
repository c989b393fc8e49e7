"""Pages of core that other apps add to, without core importing them.

An app registers its panels in its `AppConfig.ready`:
- `register_home_panel(Panel(...))`: a section of the signed-in home page;
- `register_no_organisation_panel(Panel(...))`: what a person with no membership may still use
  (e-learning, for a learner account).

A panel is a template rendered with the request's context plus what its `context(request)`
returns; a `context` that returns None means "nothing to show for this person".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Panel:
    template: str
    order: int = 100
    context: Callable[[HttpRequest], dict[str, Any] | None] | None = None
    title: Any = ""


@dataclass(frozen=True)
class Rendered:
    title: Any
    html: SafeString


_HOME: list[Panel] = []
_NO_ORGANISATION: list[Panel] = []


def register_home_panel(panel: Panel) -> None:
    if panel not in _HOME:
        _HOME.append(panel)


def register_no_organisation_panel(panel: Panel) -> None:
    if panel not in _NO_ORGANISATION:
        _NO_ORGANISATION.append(panel)


def _render(panels: list[Panel], request: HttpRequest) -> list[Rendered]:
    shown = []
    for panel in sorted(panels, key=lambda p: p.order):
        extra = panel.context(request) if panel.context else {}
        if extra is None:
            continue
        html = render_to_string(panel.template, extra, request=request)
        shown.append(Rendered(panel.title, mark_safe(html)))  # noqa: S308 - our own template
    return shown


def home_panels(request: HttpRequest) -> list[Rendered]:
    return _render(_HOME, request)


def no_organisation_panels(request: HttpRequest) -> list[Rendered]:
    return _render(_NO_ORGANISATION, request)
