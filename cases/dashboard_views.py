"""The dashboards of the case tool: a principal's school, a police liaison officer's force.

Aggregated: counts and durations only, never a name or any content. The figures are computed
in cases.metrics; this module chooses the period, words them and draws their charts
(cases.charts). A count links to the cases behind it (`dashboard_cases`: references and dates
only, each linking to the page that the reader may open and that audits its own read), and
only on a board whose cases the reader may read (cases.access).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import dateformat
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from accounts.mfa import second_factor_required
from audit.services import record_refusal
from cases.access import require_roles
from cases.charts import Bar, bar_chart
from cases.metrics import (
    MEASURES,
    PERIOD_MONTHS_MAX,
    Board,
    Measure,
    MeasureSpec,
    Period,
    board_for,
    boards_for,
    case_metrics,
    figure_cases,
    months_between,
)
from cases.models import Case

PAGE_SIZE = 50

# --- The period form ---------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class _MonthInput(forms.TextInput):
    # A month picker where the browser has one; elsewhere a text field, which the help text
    # and the error message explain.
    input_type = "month"


def _month_field(label):
    return forms.CharField(label=label, required=False, max_length=7, widget=_MonthInput(),
                           help_text=gettext_lazy("Sous la forme AAAA-MM, par exemple 2026-01."))


def _month_text(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


class PeriodForm(forms.Form):
    """From month / to month, both included. Missing: the last 12 months."""

    du = _month_field(gettext_lazy("Du mois"))
    au = _month_field(gettext_lazy("Au mois"))

    def __init__(self, *args, now: datetime.datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = Period.last_months(now=now)
        self.this_month = self.default.last
        for name, month in (("du", self.default.first), ("au", self.default.last)):
            self.fields[name].initial = _month_text(month)

    def _clean_month(self, name: str) -> datetime.date | None:
        text = self.cleaned_data[name].strip()
        if not text:
            return None
        match = _MONTH.match(text)
        if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
            raise forms.ValidationError(
                _("Entrez un mois sous la forme AAAA-MM, par exemple 2026-01."), code="invalid")
        return datetime.date(int(match[1]), int(match[2]), 1)

    def clean_du(self):
        return self._clean_month("du")

    def clean_au(self):
        return self._clean_month("au")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        last = data.get("au") or self.this_month
        first = data.get("du") or Period.ending(last).first
        if last > self.this_month:
            self.add_error("au", _("La période ne peut pas finir après le mois en cours."))
        elif first > last:
            self.add_error("au", _("Le mois de fin doit être le mois de début ou un mois "
                                   "qui le suit."))
        elif months_between(first, last) > PERIOD_MONTHS_MAX:
            self.add_error("du", _("La période compte au plus %(count)s mois.")
                           % {"count": PERIOD_MONTHS_MAX})
        else:
            data["period"] = Period(first=first, last=last)
        return data

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"] if self.is_bound else self.default


def _period_form(request: HttpRequest) -> PeriodForm:
    bound = "du" in request.GET or "au" in request.GET
    return PeriodForm(request.GET if bound else None)


# --- Words for the figures ---------------------------------------------------------------

# What each measure is called, what the kit expects, and its two ends.
_TITLES = {
    "contact": gettext_lazy("De la déclaration au contact avec la police"),
    "decision": gettext_lazy("De la remise à la décision du DPCP"),
    "closure": gettext_lazy("De la déclaration à la fermeture"),
}
_EXPECTATIONS = {
    "contact": gettext_lazy("Repère de la trousse : le jour même (24 h ou moins)."),
    "decision": gettext_lazy("Repère de la trousse : environ 24 h (24 h ou moins)."),
    "closure": gettext_lazy("Repère de la trousse : environ 4 jours (96 h ou moins)."),
}
_ENDS = {
    "contact": (gettext_lazy("Incident déclaré le"), gettext_lazy("Police contactée le")),
    "decision": (gettext_lazy("Remis à la police le"), gettext_lazy("Décision du DPCP le")),
    "closure": (gettext_lazy("Incident déclaré le"), gettext_lazy("Fermé le")),
}


def _nowrap(text: str) -> str:
    # A number and its unit stay on one line ("96 h", "75 %").
    return text.replace(" ", "\N{NO-BREAK SPACE}")


def _hours(value: float | None) -> str:
    """2,5 h; 0 h is written 0 h (never a dash); no value at all is a dash."""
    if value is None:
        return "—"
    return _nowrap(_("%(hours)s h") % {"hours": floatformat(value, -1)})


def _percent(value: int) -> str:
    return _nowrap(_("%(percent)s %%") % {"percent": value})


def _share(part: int, whole: int) -> str:
    """A share in whole percent that never says "none" or "all" when it is not."""
    if not whole:
        return "—"
    if 0 < part < whole and not 1 <= round(100 * part / whole) <= 99:
        return f"< {_percent(1)}" if 100 * part < whole else f"> {_percent(99)}"
    return _percent(round(100 * part / whole))


# Whose buckets are written in days (the kit speaks of about 4 days); the others in hours.
_IN_DAYS = {"closure"}


def _duration(hours: float, *, short: bool, days: bool = False) -> str:
    """A bucket bound, in hours or in (whole) days."""
    if days:
        count = round(hours / 24)
        if short:
            return _nowrap(_("%(days)s j") % {"days": count})
        return _nowrap(ngettext("%(days)s jour", "%(days)s jours", count) % {"days": count})
    return _hours(hours)


def bucket_label(lower: float | None, upper: float | None, *, key: str,
                 short: bool = False) -> str:
    """A bucket of measure `key` from its bounds (hours): "2 h à 8 h", "plus de 30 jours";
    `short` for a chart's rows: "2–8 h", "> 30 j"."""
    days = key in _IN_DAYS
    if lower is None:
        upper_text = _duration(upper, short=short, days=days)
        return f"≤ {upper_text}" if short else _("%(upper)s ou moins") % {"upper": upper_text}
    if upper is None:
        lower_text = _duration(lower, short=short, days=days)
        return f"> {lower_text}" if short else _("plus de %(lower)s") % {"lower": lower_text}
    if short:  # the unit once, at the end
        return f"{_number(lower, days=days)}–{_duration(upper, short=True, days=days)}"
    return _("%(lower)s à %(upper)s") % {"lower": _duration(lower, short=False, days=days),
                                         "upper": _duration(upper, short=False, days=days)}


def _number(hours: float, *, days: bool) -> str:
    return floatformat(hours / 24 if days else hours, -1)


def _month_label(month: datetime.date, *, short: bool = False) -> str:
    return dateformat.format(month, "N Y" if short else "F Y")


def _period_label(period: Period) -> str:
    if period.first == period.last:
        return _month_label(period.first)
    return _("de %(first)s à %(last)s") % {"first": _month_label(period.first),
                                           "last": _month_label(period.last)}


# --- The dashboard -----------------------------------------------------------------------


@dataclass
class Row:
    """One line of a measure's table: a month or a bucket."""

    label: str
    count: int
    link: str | None
    median: str = ""
    within: str = ""  # share of the month's measured cases within the expectation
    share: str = ""  # share of the period's measured cases in this bucket
    inconsistent: int = 0
    inconsistent_link: str | None = None
    within_expectation: bool = False


@dataclass
class MeasureView:
    """One measure of a board, worded, with its charts and the links of its counts."""

    dom_id: str
    title: str
    expectation: str
    measure: Measure
    median: str
    mean: str
    within: str
    measured_link: str | None
    inconsistent_link: str | None
    months: list[Row]
    buckets: list[Row]
    month_chart: SafeString
    bucket_chart: SafeString


def _link_maker(board: Board, period: Period, spec: MeasureSpec, *, readable: bool):
    base = reverse("cases:dashboard_cases")
    common = {"ecole" if board.kind == "school" else "corps": str(board.organisation_id),
              "mesure": spec.key, "du": _month_text(period.first),
              "au": _month_text(period.last)}

    def link(count: int, **extra) -> str | None:
        if not readable or not count:
            return None
        return f"{base}?{urlencode({**common, **extra})}"

    return link


def _measure_view(measure: Measure, *, board: Board, board_index: int, period: Period,
                  readable: bool) -> MeasureView:
    spec = MEASURES[measure.key]
    link = _link_maker(board, period, spec, readable=readable)
    title = str(_TITLES[measure.key])
    dom_id = f"board-{board_index}-{measure.key}"
    months = [
        Row(label=_month_label(figure.month), count=figure.measured,
            link=link(figure.measured, mois=_month_text(figure.month)),
            median=_hours(figure.median_hours), within=_share(figure.within, figure.measured),
            inconsistent=figure.inconsistent,
            inconsistent_link=link(figure.inconsistent, mois=_month_text(figure.month),
                                   incoherents="1"))
        for figure in measure.months
    ]
    buckets = [
        Row(label=bucket_label(bucket.lower_hours, bucket.upper_hours, key=measure.key),
            count=bucket.count,
            link=link(bucket.count, tranche=str(bucket.index)),
            share=_share(bucket.count, measure.measured),
            within_expectation=bucket.within_expectation)
        for bucket in measure.buckets
    ]
    legend = (_("Dans le repère de la trousse"), _("Au-delà du repère"))
    reference = _("Repère : %(hours)s") % {"hours": _hours(measure.expected_hours)}
    month_chart = bar_chart(
        chart_id=f"{dom_id}-months",
        title=_("%(measure)s : médiane par mois") % {"measure": title},
        description=_("Barres horizontales : la médiane en heures des dossiers mesurés de "
                      "chaque mois, %(period)s, et le repère de la trousse (%(reference)s) en "
                      "pointillé. Une barre hachurée dépasse le repère. Le tableau qui suit "
                      "donne les mêmes chiffres.")
        % {"period": _period_label(period), "reference": _hours(measure.expected_hours)},
        bars=[Bar(label=_month_label(figure.month, short=True), value=figure.median_hours,
                  text=_hours(figure.median_hours),
                  beyond=(figure.median_hours or 0) > measure.expected_hours)
              for figure in measure.months],
        legend=legend, reference=measure.expected_hours, reference_text=reference)
    bucket_chart = bar_chart(
        chart_id=f"{dom_id}-buckets",
        title=_("%(measure)s : répartition des dossiers sur la période") % {"measure": title},
        description=_("Barres horizontales : le nombre de dossiers mesurés par tranche de "
                      "durée, %(period)s. Les tranches hachurées dépassent le repère de la "
                      "trousse (%(reference)s). Le tableau qui suit donne les mêmes chiffres.")
        % {"period": _period_label(period), "reference": _hours(measure.expected_hours)},
        bars=[Bar(label=bucket_label(bucket.lower_hours, bucket.upper_hours, key=measure.key,
                                     short=True),
                  value=float(bucket.count),
                  text=str(bucket.count), beyond=not bucket.within_expectation)
              for bucket in measure.buckets],
        legend=legend)
    return MeasureView(
        dom_id=dom_id, title=title,
        expectation=str(_EXPECTATIONS[measure.key]), measure=measure,
        median=_hours(measure.median_hours), mean=_hours(measure.mean_hours),
        within=_share(measure.within, measure.measured), measured_link=link(measure.measured),
        inconsistent_link=link(measure.inconsistent, incoherents="1"),
        months=months, buckets=buckets, month_chart=month_chart, bucket_chart=bucket_chart)


@require_GET
@second_factor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Open cases, late steps and the kit's own measures, aggregated: no name, no content."""
    roles = require_roles(request, allowed=lambda r: bool(r.principal_schools
                                                          or r.police_forces))
    form = _period_form(request)
    valid = form.is_valid() if form.is_bound else True
    period = form.period if valid else form.default
    labels = dict(Case.Status.choices)
    boards = []
    for index, board in enumerate(boards_for(roles), start=1):
        metrics = case_metrics(board.cases(), period=period)
        readable = board.readable_by(roles)
        boards.append({
            "index": index, "name": board.name, "metrics": metrics,
            "open_rows": [(labels[status], n) for status, n in metrics.open_by_status.items()],
            "measures": [_measure_view(measure, board=board, board_index=index, period=period,
                                       readable=readable)
                         for measure in metrics.measures] if valid else [],
        })
    return render(request, "cases/dashboard.html", {
        "form": form, "valid": valid, "period_label": _period_label(period), "boards": boards,
    }, status=200 if valid else 400)


# --- The cases behind a figure -----------------------------------------------------------


class FigureForm(PeriodForm):
    """Which figure of which board: what a dashboard link says."""

    ecole = forms.UUIDField(required=False)
    corps = forms.UUIDField(required=False)
    mesure = forms.ChoiceField(choices=[(key, key) for key in MEASURES])
    mois = forms.CharField(required=False, max_length=7)
    tranche = forms.IntegerField(required=False, min_value=0)
    incoherents = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if bool(data.get("ecole")) == bool(data.get("corps")):
            raise forms.ValidationError("one board", code="board")
        if data.get("mois"):
            data["month"] = self._clean_month("mois")
            if data["month"] not in data["period"].months:
                raise forms.ValidationError("month outside the period", code="month")
        spec = MEASURES[data["mesure"]]
        if data.get("tranche") is not None and data["tranche"] > len(spec.bounds):
            raise forms.ValidationError("no such bucket", code="bucket")
        return data


def _figure_title(spec: MeasureSpec, data: dict) -> str:
    title = str(_TITLES[spec.key])
    if data.get("incoherents"):
        what = _("moments inscrits dans le désordre")
    elif data.get("tranche") is not None:
        lower, upper = spec.bucket_range(data["tranche"])
        what = _("dossiers mesurés, %(bucket)s") % {
            "bucket": bucket_label(lower, upper, key=spec.key)}
    else:
        what = _("dossiers mesurés")
    period = data["period"]
    when = _month_label(data["month"]) if data.get("month") else _period_label(period)
    return _("%(measure)s : %(what)s (%(when)s)") % {"measure": title, "what": what,
                                                     "when": when}


@require_GET
@second_factor_required
def dashboard_cases(request: HttpRequest) -> HttpResponse:
    """The cases behind one figure of a dashboard: references and dates, each linking to the
    case's page for a principal, to the hand-off's police page for a liaison officer."""
    roles = require_roles(request, allowed=lambda r: bool(r.principal_schools
                                                          or r.police_forces))
    form = FigureForm(request.GET)
    if not form.is_valid():
        return render(request, "cases/dashboard_cases.html", {
            "invalid": True, "back": reverse("cases:dashboard")}, status=400)
    data = form.cleaned_data
    kind, organisation_id = ("school", data["ecole"]) if data["ecole"] else ("force",
                                                                             data["corps"])
    board = board_for(roles, kind=kind, organisation_id=organisation_id)
    if board is None or not board.readable_by(roles):
        # Not one of this person's boards: as if it did not exist, and written down.
        record_refusal(request=request, action="case.access_refused",
                       target_type="accounts.organisation", target_id=str(organisation_id),
                       data={"status": 404, "path_name": request.resolver_match.view_name})
        raise Http404
    # Each case to the page its reader may open, which audits that read.
    page_name = "cases:case_detail" if kind == "school" else "cases:police_handoff"
    spec = MEASURES[data["mesure"]]
    found = figure_cases(roles, board=board, spec=spec, period=data["period"],
                         month=data.get("month"), bucket=data.get("tranche"),
                         inconsistent=data["incoherents"])
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/dashboard_cases.html", {
        "board": board, "title": _figure_title(spec, data), "page": page,
        "query": query.urlencode(), "page_name": page_name,
        "start_label": _ENDS[spec.key][0], "end_label": _ENDS[spec.key][1],
        "inconsistent": data["incoherents"],
        "back": f"{reverse('cases:dashboard')}?" + urlencode(
            {"du": _month_text(data["period"].first), "au": _month_text(data["period"].last)}),
    })
