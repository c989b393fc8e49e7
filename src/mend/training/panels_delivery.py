"""Delivery panel of the engagement page (sessions, trainers, attendees, register)."""


def delivery_panel(request, engagement) -> dict:
    return {}
