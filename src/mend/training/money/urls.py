"""Training URLs: money (invoices, credit notes, payments, aged debt, CSV export, cancellations,
the cancellation policy and invoice settings)."""

from django.urls import path

from mend.training.money import views as v

urlpatterns = [
    path("invoices/", v.invoice_list, name="training_invoices"),
    path("invoices/new/", v.invoice_new, name="training_invoice_new"),
    path("invoices/aged-debt/", v.aged_debt_report, name="training_aged_debt"),
    path("invoices/export.csv", v.invoices_csv, name="training_invoices_csv"),
    path("invoices/<int:pk>/", v.invoice_detail, name="training_invoice"),
    path("invoices/<int:pk>/pdf/", v.invoice_download, name="training_invoice_pdf"),
    path("invoices/<int:pk>/credit/", v.invoice_credit, name="training_invoice_credit"),
    path("engagements/<int:pk>/invoice/", v.engagement_invoice, name="training_engagement_invoice"),
    path("engagements/<int:pk>/cancel/", v.cancel_sessions, name="training_cancel"),
    path("cancellations/<int:pk>/", v.cancellation_quote, name="training_cancellation_quote"),
    path(
        "cancellations/<int:pk>/confirm/",
        v.cancellation_confirm,
        name="training_cancellation_confirm",
    ),
    path("settings/cancellation-policy/", v.policy_edit, name="training_policy"),
    path("settings/invoices/", v.settings_edit, name="training_settings"),
]
