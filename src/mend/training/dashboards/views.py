"""The training dashboard: pipeline, income by month and sector, cancellations and fees, for a
financial or calendar year, each chart followed by the data table behind it."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mend.core.access import decide, requires
from mend.core.forms import GovukForm
from mend.core.replicas import from_replica
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


def _charts_and_tables(figures: d.Dashboard) -> dict:
    """Each chart, and the data table after it under the same title."""
    when = {"period": figures.period.in_words}
    pipeline, income, cancelled = figures.pipeline, figures.income, figures.cancellations
    money = d.pounds
    pipeline_title = _("Engagements by stage, %(period)s") % when
    cash_title = _("Cash received by month, %(period)s") % when
    income_month_chart, income_month_table = _net_invoiced(
        income,
        income.months,
        chart_id="chart-income-month",
        title=_("Net invoiced by month, before VAT, %(period)s") % when,
        description=_(
            "Bar chart of the amount invoiced less credit notes in each month, before VAT. "
            "%(net)s in all. The table after the chart gives each month's figures."
        )
        % {"net": money(income.net)},
        header=_("Month"),
    )
    income_sector_chart, income_sector_table = _net_invoiced(
        income,
        income.sectors,
        chart_id="chart-income-sector",
        title=_("Net invoiced by client sector, before VAT, %(period)s") % when,
        description=_(
            "Bar chart of the amount invoiced less credit notes for clients in each sector, "
            "before VAT. The table after the chart gives each sector's figures."
        ),
        header=_("Sector"),
    )
    return {
        "pipeline_chart": bar_chart(
            chart_id="chart-pipeline",
            title=pipeline_title,
            description=_(
                "Bar chart of the number of engagements created in the period at each stage "
                "they have reached, from enquiry to paid, then cancelled. %(total)s in all. "
                "The table after the chart gives each number and value."
            )
            % {"total": pipeline.total_count},
            categories=[row.label for row in pipeline.rows],
            series=[Series(_("Engagements"), [row.count for row in pipeline.rows])],
        ),
        "pipeline_table": _table(
            pipeline_title,
            [_("Stage"), _("Engagements"), _("Value of sessions not cancelled")],
            [[row.label, row.count, money(row.value)] for row in pipeline.rows],
            [_("Total"), pipeline.total_count, money(pipeline.total_value)],
        ),
        "income_month_chart": income_month_chart,
        "income_month_table": income_month_table,
        "income_sector_chart": income_sector_chart,
        "income_sector_table": income_sector_table,
        "cash_chart": bar_chart(
            chart_id="chart-cash",
            title=cash_title,
            description=_(
                "Bar chart of the payments received in each month. %(received)s in all. "
                "The table after the chart gives each month's figure."
            )
            % {"received": money(income.received)},
            categories=[row.label for row in income.months],
            series=[Series(_("Cash received"), [row.received for row in income.months])],
            value_text=money,
        ),
        "cash_table": _table(
            cash_title,
            [_("Month"), _("Cash received")],
            [[row.label, money(row.received)] for row in income.months],
            [_("Total"), money(income.received)],
        ),
        "cancellations_chart": bar_chart(
            chart_id="chart-cancellations",
            title=_("Value cancelled and fees charged by month, %(period)s") % when,
            description=_(
                "Bar chart with two bars a month: the value of the sessions cancelled and the "
                "cancellation fees charged for them. %(count)s cancellations, %(value)s "
                "cancelled, %(fees)s in fees. The table after the chart gives each month's "
                "figures."
            )
            % {
                "count": cancelled.count,
                "value": money(cancelled.value),
                "fees": money(cancelled.fees),
            },
            categories=[row.label for row in cancelled.months],
            series=[
                Series(_("Value cancelled"), [row.value for row in cancelled.months]),
                Series(_("Fees charged"), [row.fees for row in cancelled.months]),
            ],
            value_text=money,
        ),
        "cancellations_table": _table(
            _("Cancellations and fees by month, %(period)s") % when,
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


def _net_invoiced(
    income: d.Income,
    rows: list[d.MonthRow] | list[d.SectorRow],
    *,
    chart_id: str,
    title: str,
    description: str,
    header: str,
) -> tuple[SafeString, dict]:
    """The chart of the net invoiced in each of `rows` (months or sectors), and its table."""
    money = d.pounds
    chart = bar_chart(
        chart_id=chart_id,
        title=title,
        description=description,
        categories=[row.label for row in rows],
        series=[Series(_("Net invoiced"), [row.net for row in rows])],
        value_text=money,
    )
    table = _table(
        title,
        [header, _("Invoiced"), _("Credit notes"), _("Net invoiced")],
        [[row.label, money(row.invoiced), money(row.credited), money(row.net)] for row in rows],
        [_("Total"), money(income.invoiced), money(income.credited), money(income.net)],
    )
    return chart, table


@decide(requires(Perm.VIEW_TRAINING_DASHBOARD))
@from_replica
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
        context.update(figures=figures, period=period, **_charts_and_tables(figures))
    return render(request, "training/dashboards/dashboard.html", context)
