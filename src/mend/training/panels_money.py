"""Money panel of the engagement page (invoices, credit notes, payments, cancellations)."""


def money_panel(request, engagement) -> dict:
    return {}
