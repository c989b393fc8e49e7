"""The peer's URLs and admin pages: a plain `ModelAdmin` per model measured, with the list
columns, filters and search a Django team would start from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mend.cases import models as cm
from mend.core.models import Membership
from mend.core.tenancy import organisation_scope, unscoped
from mend.people.models import Person
from mend.training import models as tm


class OrganisationScopeMiddleware:
    """Mend's rows can only be read inside an organisation's scope: the admin user's own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        with unscoped():
            membership = (
                Membership.objects.select_related("organisation")
                .filter(user_id=request.user.pk, is_active=True)
                .first()
            )
        if membership is None:
            return self.get_response(request)
        with organisation_scope(membership.organisation):
            return self.get_response(request)


@admin.register(cm.Case)
class CaseAdmin(admin.ModelAdmin[Any]):
    list_display = ("reference", "case_type", "status", "source", "received_on", "team")
    list_filter = ("status", "source", "case_type")
    search_fields = ("reference",)
    date_hierarchy = "received_on"


@admin.register(cm.Party)
class PartyAdmin(admin.ModelAdmin[Any]):
    list_display = ("person", "case", "role", "is_under_18")
    list_filter = ("role",)
    raw_id_fields = ("case", "person", "supports")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Any]):
    list_display = ("first_name", "last_name", "date_of_birth", "postcode")
    search_fields = ("last_name", "first_name", "postcode")


@admin.register(tm.Invoice)
class InvoiceAdmin(admin.ModelAdmin[Any]):
    list_display = ("number", "client", "issue_date", "due_date", "total")
    list_filter = ("kind",)
    search_fields = ("number",)
    raw_id_fields = ("engagement", "client", "credits", "cancellation")


urlpatterns = [path("admin/", admin.site.urls)]
