"""The administrators' dashboard and its exports: every table as CSV, the knowledge network as a
CSV edge list and as GraphML. All read the same selectors for the same range as the API; a bad
range is a form error (400), never a server error."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from reports import access, presenters, selectors
from reports.formats import shown_rows
from reports.forms import ReportForm

MAX_SHOWN_ROWS = 40  # a longer table shows its first rows; its CSV export holds them all


def _form(request: HttpRequest) -> ReportForm:
    access.require_reports(request.user)
    return ReportForm(request.GET)


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return render(request, "reports/dashboard.html", {"form": form}, status=400)
    period = form.cleaned_data["period"]
    report = selectors.report(period, sector=form.sector())
    query = period.query() | ({"sector": report.sector.slug} if report.sector else {})
    sections = [
        (
            section,
            [
                (table, presenters.chart(table), shown_rows(table)[:MAX_SHOWN_ROWS])
                for table in section.tables
            ],
        )
        for section in report.sections
    ]
    return render(
        request,
        "reports/dashboard.html",
        {"form": form, "report": report, "sections": sections, "query": urlencode(query)},
    )


def _invalid(form: ReportForm) -> HttpResponse:
    lines = [f"{name}: {message}" for name, errors in form.errors.items() for message in errors]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain")


def _download(content, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@login_required
def table_csv(request: HttpRequest, table: str) -> HttpResponse:
    form = _form(request)
    if selectors.section_of(table) is None:
        raise Http404
    if not form.is_valid():
        return _invalid(form)
    period = form.cleaned_data["period"]
    section = selectors.one_section(table, period, form.sector())
    found = next((item for item in section.tables if item.key == table), None)
    if found is None:
        raise Http404
    name = f"knowbridge-{table}-{period.start}-{period.end}.csv"
    return _download(presenters.table_csv(found), name, "text/csv; charset=utf-8")


def _network(request: HttpRequest):
    form = _form(request)
    if not form.is_valid():
        return None, _invalid(form)
    period, sector = form.cleaned_data["period"], form.sector()
    section = selectors.one_section("network-edges", period, sector)
    return selectors.Report(period, [section], sector), None


def _network_name(report: selectors.Report, extension: str) -> str:
    sector = report.sector.slug if report.sector else "all-sectors"
    return f"knowbridge-network-{sector}-{report.period.start}-{report.period.end}.{extension}"


@require_safe
@login_required
def network_csv(request: HttpRequest) -> HttpResponse:
    report, refused = _network(request)
    if refused:
        return refused
    return _download(
        presenters.network_csv(report), _network_name(report, "csv"), "text/csv; charset=utf-8"
    )


@require_safe
@login_required
def network_graphml(request: HttpRequest) -> HttpResponse:
    report, refused = _network(request)
    if refused:
        return refused
    return _download(
        presenters.network_graphml(report),
        _network_name(report, "graphml"),
        "application/graphml+xml; charset=utf-8",
    )
