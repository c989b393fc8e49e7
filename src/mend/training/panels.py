"""The engagement page is shared by every area: each area adds its panel's context here, with a
fixed number of queries whatever the engagement's size (see tests/training/*query*)."""

from __future__ import annotations

from django.http import HttpRequest

from mend.training import models as m
from mend.training.delivery.queries import delivery_panel
from mend.training.money.panel import money_panel


def engagement_panels(request: HttpRequest, engagement: m.Engagement) -> dict:
    return {**delivery_panel(request, engagement), **money_panel(request, engagement)}
