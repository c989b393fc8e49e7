"""Signals other apps listen to, so that core never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that creates an organisation (kwargs: organisation).
organisation_created = Signal()
