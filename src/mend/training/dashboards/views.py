"""The training dashboard: pipeline, income by month and sector, cancellations and fees, for a
financial or calendar year, each chart followed by the data table behind it."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mend.core.access import decide, requires
from mend.core.forms import GovukForm
from mend.core.roles import Perm
from mend.training.dashboards import queries as d
from mend.training.dashboards.charts import Series, bar_chart


class PeriodForm(GovukForm):
    """Which year the dashboard covers (a GET form)."""

    basis = forms.ChoiceField(
        label=gettext_lazy("Kind of year"),
        choices=[
            (d.FINANCIAL, gettext_lazy("Financial year (1 April to 31 March)")),
            (d.CALENDAR, gettext_lazy("Calendar year (1 January to 31 December)")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose a financial year or a calendar year."),
            "invalid_choice": gettext_lazy("Choose a financial year or a calendar year."),
        },
    )
    year = forms.CharField(
        label=gettext_lazy("Year it starts"),
        help_text=gettext_lazy(
            "For a financial year, the year its April falls in: 2026 means 1 April 2026 to "
            "31 March 2027."
        ),
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-4", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": gettext_lazy("Enter the year the period starts, like 2026.")},
    )

    def clean_year(self) -> int:
        value = self.cleaned_data["year"].strip()
        latest = timezone.localdate().year + 1
        if not (len(value) == 4 and value.isdigit()):
            raise forms.ValidationError(_("Enter the year as 4 digits, like 2026."))
        year = int(value)
        if not d.FIRST_YEAR <= year <= latest:
            raise forms.ValidationError(
                _("Enter a year from %(first)s to %(latest)s.")
                % {"first": d.FIRST_YEAR, "latest": latest}
            )
        return year


NONE = "–"


def _percent(value) -> str:
    return NONE if value is None else f"{formats.number_format(value, 1)}%"


def _table(caption: str, headers: list[str], rows: list[list], total: list | None = None) -> dict:
    """A data table for the template: the first cell of each row is its header; the others are
    numbers (ints, money already formatted as text)."""
    return {
        "caption": caption,
        "headers": headers,
        "rows": [[str(cell) for cell in row] for row in rows],
        "total": [str(cell) for cell in total] if total else None,
    }


def _tables(figures: d.Dashboard) -> dict:
    pipeline, income, cancelled = figures.pipeline, figures.income, figures.cancellations
    when = figures.period.in_words
    money = d.pounds
    return {
        "pipeline_table": _table(
            _("Engagements by stage, %(period)s") % {"period": when},
            [_("Stage"), _("Engagements"), _("Value of sessions not cancelled")],
            [[row.label, row.count, money(row.value)] for row in pipeline.rows],
            [_("Total"), pipeline.total_count, money(pipeline.total_value)],
        ),
        "income_month_table": _table(
            _("Net invoiced by month, before VAT, %(period)s") % {"period": when},
            [_("Month"), _("Invoiced"), _("Credit notes"), _("Net invoiced")],
            [
                [row.label, money(row.invoiced), money(row.credited), money(row.net)]
                for row in income.months
            ],
            [_("Total"), money(income.invoiced), money(income.credited), money(income.net)],
        ),
        "income_sector_table": _table(
            _("Net invoiced by client sector, before VAT, %(period)s") % {"period": when},
            [_("Sector"), _("Invoiced"), _("Credit notes"), _("Net invoiced")],
            [
                [row.label, money(row.invoiced), money(row.credited), money(row.net)]
                for row in income.sectors
            ],
            [_("Total"), money(income.invoiced), money(income.credited), money(income.net)],
        ),
        "cash_table": _table(
            _("Cash received by month, %(period)s") % {"period": when},
            [_("Month"), _("Cash received")],
            [[row.label, money(row.received)] for row in income.months],
            [_("Total"), money(income.received)],
        ),
        "cancellations_table": _table(
            _("Cancellations and fees by month, %(period)s") % {"period": when},
            [
                _("Month"),
                _("Cancellations"),
                _("Value cancelled"),
                _("Fees charged"),
                _("Fee as % of value"),
            ],
            [
                [row.label, row.count, money(row.value), money(row.fees), _percent(row.fee_percent)]
                for row in cancelled.months
            ],
            [
                _("Total"),
                cancelled.count,
                money(cancelled.value),
                money(cancelled.fees),
                _percent(cancelled.fee_percent),
            ],
        ),
    }


def _charts(figures: d.Dashboard) -> dict:
    period = figures.period
    pipeline, income, cancelled = figures.pipeline, figures.income, figures.cancellations
    months = [row.label for row in income.months]
    when = period.in_words
    return {
        "pipeline_chart": bar_chart(
            chart_id="chart-pipeline",
            title=_("Engagements by stage, %(period)s") % {"period": when},
            description=_(
                "Bar chart of the number of engagements created in the period at each stage "
                "they have reached, from enquiry to paid, then cancelled. %(total)s in all. "
                "The table after the chart gives each number and value."
            )
            % {"total": pipeline.total_count},
            categories=[row.label for row in pipeline.rows],
            series=[Series(_("Engagements"), [row.count for row in pipeline.rows])],
        ),
        "income_month_chart": bar_chart(
            chart_id="chart-income-month",
            title=_("Net invoiced by month, before VAT, %(period)s") % {"period": when},
            description=_(
                "Bar chart of the amount invoiced less credit notes in each month, before VAT. "
                "%(net)s in all. The table after the chart gives each month's figures."
            )
            % {"net": d.pounds(income.net)},
            categories=months,
            series=[Series(_("Net invoiced"), [row.net for row in income.months])],
            value_text=d.pounds,
        ),
        "income_sector_chart": bar_chart(
            chart_id="chart-income-sector",
            title=_("Net invoiced by client sector, before VAT, %(period)s") % {"period": when},
            description=_(
                "Bar chart of the amount invoiced less credit notes for clients in each sector, "
                "before VAT. The table after the chart gives each sector's figures."
            ),
            categories=[row.label for row in income.sectors],
            series=[Series(_("Net invoiced"), [row.net for row in income.sectors])],
            value_text=d.pounds,
        ),
        "cash_chart": bar_chart(
            chart_id="chart-cash",
            title=_("Cash received by month, %(period)s") % {"period": when},
            description=_(
                "Bar chart of the payments received in each month. %(received)s in all. "
                "The table after the chart gives each month's figure."
            )
            % {"received": d.pounds(income.received)},
            categories=months,
            series=[Series(_("Cash received"), [row.received for row in income.months])],
            value_text=d.pounds,
        ),
        "cancellations_chart": bar_chart(
            chart_id="chart-cancellations",
            title=_("Value cancelled and fees charged by month, %(period)s") % {"period": when},
            description=_(
                "Bar chart with two bars a month: the value of the sessions cancelled and the "
                "cancellation fees charged for them. %(count)s cancellations, %(value)s "
                "cancelled, %(fees)s in fees. The table after the chart gives each month's "
                "figures."
            )
            % {
                "count": cancelled.count,
                "value": d.pounds(cancelled.value),
                "fees": d.pounds(cancelled.fees),
            },
            categories=[row.label for row in cancelled.months],
            series=[
                Series(_("Value cancelled"), [row.value for row in cancelled.months]),
                Series(_("Fees charged"), [row.fees for row in cancelled.months]),
            ],
            value_text=d.pounds,
        ),
    }


@decide(requires(Perm.VIEW_TRAINING_DASHBOARD))
def training_dashboard(request: HttpRequest) -> HttpResponse:
    default = d.current_financial_year()
    chosen = {"basis", "year"} & set(request.GET)
    form = PeriodForm(
        request.GET if chosen else None,
        initial={"basis": default.basis, "year": str(default.year)},
    )
    context: dict = {"form": form}
    if not chosen:
        period = default
    elif form.is_valid():
        period = d.Period(form.cleaned_data["basis"], form.cleaned_data["year"])
    else:
        period = None
    if period is not None:
        figures = d.dashboard(period)
        context.update(figures=figures, period=period, **_charts(figures), **_tables(figures))
    return render(request, "training/dashboards/dashboard.html", context)
