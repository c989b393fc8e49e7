"""The engagement page is shared by every area: each area adds its panel's context here, with a
fixed number of queries whatever the engagement's size (see tests/training/*query*)."""

from __future__ import annotations


def engagement_panels(request, engagement) -> dict:
    from mend.training.delivery.panel import delivery_panel
    from mend.training.money.panel import money_panel

    return {**delivery_panel(request, engagement), **money_panel(request, engagement)}
