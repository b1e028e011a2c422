"""The figures of the administrators' dashboard, its exports, its API and the monthly report.

Every figure is computed in the database: counts grouped per sector, region, status …, medians
and trimmed means ranked by window functions (``reports.queries``). Each section is one query
(its parts joined by ``UNION ALL``), so the dashboard costs the same number of queries for ten
members or a hundred thousand; Python only names the keys (reference data comes from the cached
``members.reference``) and works out shares on the few rows that come back. What would scan the
largest tables for every range (members by sector, region and origin, forum replies, digest
deliveries) is summed from ``DailyCount``, and what each request and thread would have to ask of
their engagements and posts (matched? engaged? how fast?) is read from ``RequestFact`` and
``ThreadFact``: beat rebuilds all three every ten minutes (``services.refresh_daily_counts``).

What the figures mean, for one date range (``reports.periods.Period``):
- members: who joined in the range; "active" are members whose last activity falls in the range
  or after it (a profile keeps only its latest); "members" are those who had joined by its end
  (by sector, city-region and origin as their profiles say now).
- forums: threads started and replies written in the range (deleted replies left out); accepted
  answers and time to the first reply, for the threads started in it.
- help requests: the funnel of the requests published in the range: matched (an invitation or
  an offer was made), engaged (one was accepted), resolved. Time to the first invitation and to
  the first accepted engagement, from publication. Ratings of the feedback given in the range;
  hours given on the engagements completed in it (the expert's figure, else the SME's), valued
  at ``REPORTS_HOUR_VALUE`` (CAD an hour). Follow-ups answered in the range.
- fairness: among engagements begun (accepted) in the range, the share of requests that the
  busiest tenth of the experts took; experts open to requests today who were never asked
  (invited or offering) before the range ended; time to match by working language.
- digests: deliveries decided in the range by status (and skipped ones by reason); members who
  turned their digest off in the range, per 100 digests sent in it.
- moderation: flags raised in the range by reason and kind, time from flag to resolution,
  moderation actions (audit events ``moderation.<verb>``) by kind.
- the knowledge network: engagements begun in the range, from the expert's Canadian city-region
  to each Chinese city-region the request names, for one sector or all.
"""

import dataclasses
from collections.abc import Generator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from core.models import AuditEvent
from core.replica import reading_replica
from digests.models import ConsentEvent, Delivery, Subscription
from forums.models import Thread
from matchmaking.models import Engagement, Feedback, FollowUp, HelpRequest
from members import reference
from members.models import CityRegion, Country, Language, Organisation, Sector
from moderation.models import Flag
from reports import queries
from reports.models import DailyCount, ExpertFact, NetworkFact, RequestFact, ThreadFact
from reports.periods import Period
from reports.queries import Seconds, part, summary

CHINA = "CN"
DEFAULT_HOUR_VALUE = 150  # CAD an hour, what a professional's advice is commonly billed
TOP_CORRIDORS = 20
BUSIEST_SHARE_DIVISOR = 10  # the busiest tenth of the experts
ENGAGED = (Engagement.Status.ACCEPTED, Engagement.Status.COMPLETED)
MODERATION_PREFIX = "moderation."
NOT_GIVEN = pgettext_lazy("a report row without a value", "Not given")


def sector_by_key(key: str) -> Sector | None:
    """The sector of that key (an unsaved instance made from the cached reference data, enough
    to filter by and to name), None for all sectors or an unknown key."""
    for row in reference.rows(Sector) if key else ():
        if row["key"] == key:
            return Sector(pk=row["pk"], slug=row["key"], name_en=row["name"])
    return None


def hour_value() -> int:
    return getattr(settings, "REPORTS_HOUR_VALUE", DEFAULT_HOUR_VALUE)


# --- Shapes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # "text", "count", "number", "percent", "seconds", "rating", "hours", "money", "date"
    kind: str = "count"


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]  # column key → value; "key" holds the row's stable key
    chart: str = ""  # "bars" (first numeric column per row) or "series" (over time)
    description: str = ""

    @property
    def label_column(self) -> Column:
        return self.columns[0]

    @property
    def value_columns(self) -> list[Column]:
        return self.columns[1:]

    def chart_column(self) -> Column:
        """The first column of figures."""
        return next(column for column in self.value_columns if column.kind != "text")

    def bars(self, column: str | None = None) -> list[tuple[str, object, float]]:
        """(label, value, share of the largest value in percent) per row, for bar charts."""
        key = column or self.chart_column().key
        values = [row.get(key) or 0 for row in self.rows]
        top = max(values, default=0) or 1
        label = self.label_column.key
        return [
            (str(row[label]), row.get(key) or 0, round(100 * (row.get(key) or 0) / top, 1))
            for row in self.rows
        ]


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)


# A section's builder yields the parts it needs, is sent their rows and returns the section.
SectionBuilder = Generator[list[queries.Part], dict[str, list[tuple]], Section]


@dataclass
class Report:
    period: Period
    sections: list[Section]
    sector: Sector | None = None  # the knowledge network's sector, None for all

    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def table(self, key: str) -> Table:
        return next(table for table in self.tables() if table.key == key)


def measure_table(key, title, rows: list[tuple[str, str, object, str]], **options) -> Table:
    """A table of single figures: (row key, label, value, kind) each."""
    return Table(
        key,
        title,
        [Column("measure", _("Measure"), "text"), Column("value", _("Value"), "number")],
        [
            {"key": row_key, "measure": label, "value": value, "kind": kind}
            for row_key, label, value, kind in rows
        ],
        **options,
    )


SUMMARY_COLUMNS = (
    ("count", gettext_lazy("Count"), "count"),
    ("mean", gettext_lazy("Mean"), None),
    ("median", gettext_lazy("Median"), None),
    ("trimmed_mean", gettext_lazy("Trimmed mean"), None),
    ("lowest", gettext_lazy("Lowest"), None),
    ("highest", gettext_lazy("Highest"), None),
)
TRIMMED_NOTE = gettext_lazy(
    "The trimmed mean leaves out the lowest and the highest tenth of the values, so that a "
    "few extreme ones do not carry the story."
)


def summary_table(key, title, label: Column, kind: str, rows: list[tuple[str, str, tuple]]):
    """Count, mean, median, trimmed mean, lowest and highest per row, from ``queries.summary``
    rows (row key, label, (count, mean, median, trimmed, lowest, highest, sum))."""
    columns = [label] + [
        Column(name, str(title_), column_kind or kind)
        for name, title_, column_kind in SUMMARY_COLUMNS
    ]
    table_rows = []
    for row_key, row_label, values in rows:
        row = {"key": row_key, label.key: row_label}
        for (name, _title, _kind), value in zip(SUMMARY_COLUMNS, values[:6], strict=True):
            row[name] = _rounded(value)
        table_rows.append(row)
    return Table(key, title, columns, table_rows, description=str(TRIMMED_NOTE))


def _rounded(value):
    return round(value, 2) if isinstance(value, float) else value


def _stats(found: list[tuple], key: str = "all") -> tuple:
    """A summary part's numbers for ``key`` (zeros and Nones when nothing was counted)."""
    for k, _n, *values in found:
        if k == key:
            return tuple(values)
    return (0, None, None, None, None, None, None)


def _share(part_, whole) -> float | None:
    return round(100 * part_ / whole, 1) if whole else None


# --- Names of keys --------------------------------------------------------------------------------


def _names(model) -> dict[str, tuple[str, str]]:
    """Reference rows by their id as text: (key, name in the active language)."""
    return {str(row["pk"]): (row["key"], row["name"]) for row in reference.rows(model)}


def _named_rows(found, model, columns: list[str]) -> list[dict]:
    """Rows of a part grouped by a reference id, named; the empty key reads "Not given"."""
    names = _names(model)
    rows = []
    for k, _n, *values in found:
        key, name = names.get(k, ("", str(NOT_GIVEN))) if k is not None else ("", str(NOT_GIVEN))
        row = {"key": key, "name": name}
        row.update(zip(columns, values, strict=False))
        rows.append(row)
    return _ordered(rows, columns[0])


def _ordered(rows: list[dict], by: str) -> list[dict]:
    """Largest first, then by name: the order of every breakdown."""
    return sorted(rows, key=lambda row: (-(row.get(by) or 0), str(row.get("name", ""))))


def _choice_rows(found, choices, columns: list[str], *, every: bool = True) -> list[dict]:
    """Rows of a part grouped by a choice's value, in the choices' order (every choice, zeros
    included, unless ``every`` is false)."""
    by_key = {k: values for k, _n, *values in found}
    rows = []
    for value, label in choices:
        if value in by_key or every:
            counts = by_key.get(value, [0] * len(columns))
            row = {"key": value, "name": str(label)}
            row.update(zip(columns, counts, strict=False))
            rows.append(row)
    return rows


def _series(period: Period, found_by_column: dict[str, list[tuple]]) -> list[dict]:
    """One row per bucket of the range (zeros where nothing happened)."""
    counts = {
        column: {(k or "")[:10]: values[0] for k, _n, *values in found}
        for column, found in found_by_column.items()
    }
    return [
        {"key": day.isoformat(), "period": day.isoformat()}
        | {column: counts[column].get(day.isoformat(), 0) for column in counts}
        for day in period.buckets()
    ]


def _in(period: Period, name: str) -> Q:
    return Q(**{f"{name}__gte": period.since, f"{name}__lt": period.until})


def _bucket(period: Period, name: str) -> Trunc:
    return Trunc(
        name, period.bucket, output_field=DateField(), tzinfo=timezone.get_default_timezone()
    )


ALL = Value("all")


# --- Sections -------------------------------------------------------------------------------------


def _daily(metric: str, period: Period):
    """The daily counts of ``metric`` by key: ``v1`` up to the range's end, ``v2`` within it."""
    return (
        DailyCount.objects.filter(metric=metric, day__lte=period.end)
        .order_by()
        .values(k=F("key"))
        .annotate(
            v1=Sum("count"),
            v2=Coalesce(Sum("count", filter=Q(day__gte=period.start)), 0),
        )
    )


def _daily_series(metric: str, period: Period):
    """The daily counts of ``metric`` within the range, by the chart's bucket."""
    return (
        DailyCount.objects.filter(metric=metric, day__gte=period.start, day__lte=period.end)
        .order_by()
        .values(k=Trunc("day", period.bucket, output_field=DateField()))
        .annotate(v1=Sum("count"))
    )


def members_section(period: Period) -> SectionBuilder:
    found = yield (
        [
            part("joined", _daily("joined", period)),
            part(
                "active",
                DailyCount.objects.filter(metric="active", day__gte=period.start)
                .order_by()
                .values(k=ALL)
                .annotate(v1=Sum("count")),
            ),
            part("series", _daily_series("joined", period)),
            part("sector", _daily("joined.sector", period)),
            part("region", _daily("joined.region", period)),
            part("origin", _daily("joined.origin", period)),
            part(
                "organisations",
                Organisation.objects.filter(created_at__lt=period.until)
                .order_by()
                .values(k=F("kind"))
                .annotate(
                    v1=Count("pk", distinct=True),
                    v2=Count("pk", distinct=True, filter=_in(period, "created_at")),
                    v3=Count("memberships__user", distinct=True),
                ),
            ),
        ]
    )
    members, signed_up = (found["joined"] or [("", None, 0, 0)])[0][2:4]
    active = (found["active"] or [("all", None, 0)])[0][2] or 0
    breakdown = ["members", "joined"]
    counts = [
        Column("members", _("Members")),
        Column("joined", _("Joined in the range")),
    ]
    organisations = _choice_rows(
        found["organisations"], Organisation.Kind.choices, ["organisations", "new", "members"]
    )
    return Section(
        "members",
        _("Members"),
        [
            measure_table(
                "members-totals",
                _("Members at a glance"),
                [
                    ("signed_up", _("Signed up in the range"), signed_up, "count"),
                    ("active", _("Active since the range began"), active, "count"),
                    ("members", _("Members at the end of the range"), members, "count"),
                    (
                        "organisations",
                        _("Organisations at the end of the range"),
                        sum(row["organisations"] for row in organisations),
                        "count",
                    ),
                ],
            ),
            Table(
                "members-sign-ups",
                _("Sign-ups over time"),
                [Column("period", _("Starting"), "date"), Column("sign_ups", _("Sign-ups"))],
                _series(period, {"sign_ups": found["series"]}),
                chart="series",
            ),
            Table(
                "members-by-sector",
                _("Members by sector"),
                [Column("name", _("Sector"), "text"), *counts],
                _named_rows(found["sector"], Sector, breakdown),
                chart="bars",
                description=_("A member may work in several sectors."),
            ),
            Table(
                "members-by-region",
                _("Members by city-region in Canada"),
                [Column("name", _("City-region"), "text"), *counts],
                _named_rows(found["region"], CityRegion, breakdown),
                chart="bars",
            ),
            Table(
                "members-by-origin",
                _("Members by country of origin"),
                [Column("name", _("Country of origin"), "text"), *counts],
                _named_rows(found["origin"], Country, breakdown),
                chart="bars",
            ),
            Table(
                "members-by-organisation-kind",
                _("Organisations by kind"),
                [
                    Column("name", _("Kind of organisation"), "text"),
                    Column("organisations", _("Organisations")),
                    Column("new", _("Created in the range")),
                    Column("members", _("Their members")),
                ],
                organisations,
                chart="bars",
            ),
        ],
    )


def forums_section(period: Period) -> SectionBuilder:
    started = _in(period, "created_at")
    found = yield (
        [
            part(
                "threads",
                Thread.objects.filter(started)
                .order_by()
                .values(k=ALL)
                .annotate(
                    v1=Count("pk"),
                    v2=Count("pk", filter=Q(post_count__gt=1)),
                    v3=Count("pk", filter=Q(accepted_post__isnull=False)),
                ),
            ),
            part(
                "replies",
                DailyCount.objects.filter(
                    metric="replies", day__gte=period.start, day__lte=period.end
                )
                .order_by()
                .values(k=ALL)
                .annotate(v1=Sum("count")),
            ),
            part(
                "thread_series",
                Thread.objects.filter(started)
                .order_by()
                .values(k=_bucket(period, "created_at"))
                .annotate(v1=Count("pk")),
            ),
            part("reply_series", _daily_series("replies", period)),
            summary(
                "first_reply",
                ThreadFact.objects.filter(day__gte=period.start, day__lte=period.end)
                .order_by()
                .values(k=ALL, v=F("first_reply")),
            ),
        ]
    )
    threads, answered, accepted = (found["threads"] or [("all", None, 0, 0, 0)])[0][2:5]
    reply_count = (found["replies"] or [("all", None, 0)])[0][2] or 0
    return Section(
        "forums",
        _("Forum activity"),
        [
            measure_table(
                "forums-totals",
                _("Forums at a glance"),
                [
                    ("threads", _("Threads started"), threads, "count"),
                    ("replies", _("Replies"), reply_count, "count"),
                    ("answered", _("Threads with a reply"), answered, "count"),
                    ("accepted", _("Threads with an accepted answer"), accepted, "count"),
                    (
                        "accepted_share",
                        _("Share of threads with an accepted answer"),
                        _share(accepted, threads),
                        "percent",
                    ),
                ],
            ),
            Table(
                "forums-activity",
                _("Threads and replies over time"),
                [
                    Column("period", _("Starting"), "date"),
                    Column("threads", _("Threads")),
                    Column("replies", _("Replies")),
                ],
                _series(
                    period, {"threads": found["thread_series"], "replies": found["reply_series"]}
                ),
                chart="series",
            ),
            summary_table(
                "forums-first-reply",
                _("Time to the first reply"),
                Column("name", _("Threads"), "text"),
                "seconds",
                [("all", _("Threads started in the range"), _stats(found["first_reply"]))],
            ),
        ],
    )


def requests_section(period: Period) -> SectionBuilder:
    facts = RequestFact.objects.filter(day__gte=period.start, day__lte=period.end).order_by()
    hours_of = Feedback.objects.filter(engagement=OuterRef("pk"), hours__isnull=False)
    sectors = HelpRequest.sectors.through
    regions = HelpRequest.city_regions.through
    breakdown_counts = {
        "v1": Count("pk"),
        "v2": Count("pk", filter=Q(helprequest__report_fact__engaged=True)),
        "v3": Count("pk", filter=Q(helprequest__report_fact__resolved=True)),
    }
    in_range = {
        "helprequest__report_fact__day__gte": period.start,
        "helprequest__report_fact__day__lte": period.end,
    }
    found = yield (
        [
            part(
                "funnel",
                facts.values(k=ALL).annotate(
                    v1=Count("pk"),
                    v2=Count("pk", filter=Q(matched=True)),
                    v3=Count("pk", filter=Q(engaged=True)),
                    v4=Count("pk", filter=Q(resolved=True)),
                ),
            ),
            summary("invitation", facts.values(k=ALL, v=F("first_invitation"))),
            summary("match", facts.values(k=ALL, v=F("first_match"))),
            summary(
                "ratings",
                Feedback.objects.filter(_in(period, "created_at"))
                .order_by()
                .values(k=F("side"), v=F("rating")),
            ),
            summary(
                "hours",
                Engagement.objects.filter(
                    _in(period, "completed_at"), status=Engagement.Status.COMPLETED
                )
                .order_by()
                .values(
                    k=ALL,
                    v=Coalesce(
                        Subquery(hours_of.filter(side=Feedback.Side.EXPERT).values("hours")[:1]),
                        Subquery(hours_of.filter(side=Feedback.Side.SME).values("hours")[:1]),
                    ),
                ),
            ),
            part(
                "follow_ups",
                FollowUp.objects.filter(_in(period, "answered_at"))
                .order_by()
                .values(k=F("use"), n=F("after_days"))
                .annotate(v1=Count("pk")),
            ),
            part(
                "sector",
                sectors.objects.filter(**in_range)
                .order_by()
                .values(k=F("sector_id"))
                .annotate(**breakdown_counts),
            ),
            part(
                "region",
                regions.objects.filter(**in_range)
                .order_by()
                .values(k=F("cityregion_id"))
                .annotate(**breakdown_counts),
            ),
            _corridors(period),
        ]
    )
    posted_count, matched_count, engaged_count, resolved = (
        found["funnel"] or [("all", None, 0, 0, 0, 0)]
    )[0][2:6]
    hours = _stats(found["hours"])
    sides = dict(Feedback.Side.choices)
    funnel_columns = [Column("requests", _("Requests")), Column("share", _("Share"), "percent")]
    breakdown = ["posted", "engaged", "resolved"]
    breakdown_columns = [
        Column("posted", pgettext("help requests", "Posted")),
        Column("engaged", _("Engaged")),
        Column("resolved", pgettext("help requests", "Resolved")),
    ]
    return Section(
        "requests",
        _("Help requests"),
        [
            Table(
                "requests-funnel",
                _("From request to resolution"),
                [Column("name", _("Stage"), "text"), *funnel_columns],
                [
                    {
                        "key": key,
                        "name": label,
                        "requests": count,
                        "share": _share(count, posted_count),
                    }
                    for key, label, count in (
                        ("posted", pgettext("help requests", "Posted"), posted_count),
                        ("matched", _("Matched (an invitation or an offer)"), matched_count),
                        ("engaged", _("Engaged (one was accepted)"), engaged_count),
                        ("resolved", pgettext("help requests", "Resolved"), resolved),
                    )
                ],
                chart="bars",
                description=_(
                    "Requests published in the range; the share of resolved ones is the "
                    "resolution rate."
                ),
            ),
            summary_table(
                "requests-timing",
                _("How fast requests find help"),
                Column("name", _("Measure"), "text"),
                "seconds",
                [
                    (
                        "first_invitation",
                        _("Time to the first invitation"),
                        _stats(found["invitation"]),
                    ),
                    (
                        "first_match",
                        _("Time to the first accepted engagement"),
                        _stats(found["match"]),
                    ),
                ],
            ),
            summary_table(
                "requests-ratings",
                _("Ratings (1 to 5)"),
                Column("name", _("Given by"), "text"),
                "rating",
                [
                    (side, str(sides[side]), _stats(found["ratings"], side))
                    for side in Feedback.Side.values
                ],
            ),
            measure_table(
                "requests-hours",
                _("Hours given"),
                [
                    (
                        "engagements",
                        _("Engagements completed with hours reported"),
                        hours[0],
                        "count",
                    ),
                    ("total", _("Hours given"), hours[6] or 0, "hours"),
                    ("median", _("Median hours per engagement"), _rounded(hours[2]), "hours"),
                    (
                        "trimmed_mean",
                        _("Trimmed mean hours per engagement"),
                        _rounded(hours[3]),
                        "hours",
                    ),
                    (
                        "value",
                        _("Their value at %(rate)s CAD an hour") % {"rate": hour_value()},
                        (hours[6] or 0) * hour_value(),
                        "money",
                    ),
                ],
                description=str(TRIMMED_NOTE),
            ),
            _follow_up_table(found["follow_ups"]),
            Table(
                "requests-by-sector",
                _("Help requests by sector"),
                [Column("name", _("Sector"), "text"), *breakdown_columns],
                _named_rows(found["sector"], Sector, breakdown),
                chart="bars",
            ),
            Table(
                "requests-by-region",
                _("Help requests by city-region"),
                [Column("name", _("City-region"), "text"), *breakdown_columns],
                _named_rows(found["region"], CityRegion, breakdown),
                chart="bars",
            ),
            Table(
                "requests-by-corridor",
                _("Help requests by corridor"),
                [Column("name", _("Corridor"), "text"), *breakdown_columns],
                _corridor_rows(found["corridor"]),
                chart="bars",
                description=_(
                    "A Chinese city-region, a Canadian city-region and a sector a request "
                    "names together; the %(count)s busiest."
                )
                % {"count": TOP_CORRIDORS},
            ),
        ],
    )


def _corridors(period: Period) -> queries.Part:
    """Requests published in the range per corridor they name (the busiest ``TOP_CORRIDORS``),
    from the daily counts (``services._corridor_counts``)."""
    counted = DailyCount.objects.filter(
        metric__in=["corridor", "corridor.engaged", "corridor.resolved"],
        day__gte=period.start,
        day__lte=period.end,
    )
    return part(
        "corridor",
        counted.order_by()
        .values(k=F("key"))
        .annotate(
            v1=Coalesce(Sum("count", filter=Q(metric="corridor")), 0),
            v2=Coalesce(Sum("count", filter=Q(metric="corridor.engaged")), 0),
            v3=Coalesce(Sum("count", filter=Q(metric="corridor.resolved")), 0),
        )
        .order_by("-v1", "k")[:TOP_CORRIDORS],
    )


def _corridor_rows(found) -> list[dict]:
    regions, sectors = _names(CityRegion), _names(Sector)
    rows = []
    for k, _n, posted, engaged, resolved in (row[:5] for row in found):
        china, canada, sector = k.split("-")
        names = [regions.get(china), regions.get(canada), sectors.get(sector)]
        if None in names:
            continue
        rows.append(
            {
                "key": "/".join(name[0] for name in names),
                "name": f"{names[0][1]} ↔ {names[1][1]} · {names[2][1]}",
                "posted": posted,
                "engaged": engaged,
                "resolved": resolved,
            }
        )
    return _ordered(rows, "posted")


def _follow_up_table(found) -> Table:
    counts = {(k, n): values[0] for k, n, *values in found}
    delays = [str(days) for days in FollowUp.AFTER_DAYS]
    return Table(
        "requests-follow-ups",
        _("What SMEs did with the help (follow-ups)"),
        [Column("name", _("Answer"), "text")]
        + [Column(f"after_{days}", _("After %(days)s days") % {"days": days}) for days in delays],
        [
            {"key": use, "name": str(label)}
            | {f"after_{days}": counts.get((use, days), 0) for days in delays}
            for use, label in FollowUp.Use.choices
        ],
        chart="bars",
        description=_("Follow-ups answered in the range."),
    )


def fairness_section(period: Period) -> SectionBuilder:
    engaged = Engagement.objects.filter(_in(period, "answered_at"), status__in=ENGAGED).order_by()
    per_expert = engaged.values(k=F("expert_id")).annotate(v=Count("request", distinct=True))
    inner, params = per_expert.query.sql_with_params()
    tenth = BUSIEST_SHARE_DIVISOR
    busiest = queries.raw(
        "busiest",
        "SELECT 'all' AS k, "  # noqa: S608 - constants
        f"SUM(CASE WHEN w.r <= (w.c + {tenth - 1}) / {tenth} THEN w.v ELSE 0 END) AS v1, "
        "SUM(w.v) AS v2, MAX(w.c) AS v3, MAX(CASE WHEN w.r <= (w.c + "
        f"{tenth - 1}) / {tenth} THEN w.r ELSE 0 END) AS v4 "
        "FROM (SELECT i.v AS v, ROW_NUMBER() OVER (ORDER BY i.v DESC, i.k) AS r, "
        f"COUNT(*) OVER () AS c FROM ({inner}) i) w",
        params,
        values=4,
    )
    found = yield (
        [
            busiest,
            part(
                "willing",
                ExpertFact.objects.filter(joined__lte=period.end)
                .order_by()
                .values(k=ALL)
                .annotate(
                    v1=Count("pk"),
                    v2=Count(
                        "pk", filter=Q(first_asked__isnull=True) | Q(first_asked__gt=period.end)
                    ),
                ),
            ),
            summary(
                "by_language",
                RequestFact.objects.filter(day__gte=period.start, day__lte=period.end)
                .order_by()
                .values(k=F("request__languages__id"), v=F("first_match")),
            ),
        ]
    )
    to_busiest, requests, experts, busiest_count = (
        found["busiest"] or [("all", None, 0, 0, 0, 0)]
    )[0][2:6]
    willing, never = (found["willing"] or [("all", None, 0, 0)])[0][2:4]
    languages = _names(Language)
    by_language = sorted(
        (
            (
                languages.get(k, ("", str(NOT_GIVEN)))[0] if k else "",
                languages.get(k, ("", str(NOT_GIVEN)))[1] if k else str(NOT_GIVEN),
                tuple(values),
            )
            for k, _n, *values in found["by_language"]
        ),
        key=lambda row: (-(row[2][0] or 0), row[1]),
    )
    return Section(
        "fairness",
        _("Fairness"),
        [
            measure_table(
                "fairness-totals",
                _("How evenly the work is shared"),
                [
                    (
                        "busiest_share",
                        _("Share of requests taken by the busiest tenth of the experts"),
                        _share(to_busiest or 0, requests or 0),
                        "percent",
                    ),
                    (
                        "busiest_experts",
                        _("Experts in that busiest tenth"),
                        busiest_count or 0,
                        "count",
                    ),
                    ("engaged_experts", _("Experts engaged in the range"), experts or 0, "count"),
                    ("willing", _("Experts open to requests"), willing, "count"),
                    ("never_asked", _("Of them, never invited nor offering"), never, "count"),
                    (
                        "never_asked_share",
                        _("Share never invited nor offering"),
                        _share(never, willing),
                        "percent",
                    ),
                ],
                description=_(
                    "With work shared evenly, the busiest tenth of the experts take about a "
                    "tenth of the requests."
                ),
            ),
            summary_table(
                "fairness-time-to-match",
                _("Time to match by working language"),
                Column("name", _("Working language"), "text"),
                "seconds",
                by_language,
            ),
        ],
    )


def digests_section(period: Period) -> SectionBuilder:
    found = yield (
        [
            part(
                "deliveries",
                DailyCount.objects.filter(
                    metric="digests", day__gte=period.start, day__lte=period.end
                )
                .order_by()
                .values(k=F("key"))
                .annotate(v1=Sum("count")),
            ),
            part(
                "unsubscribed",
                ConsentEvent.objects.filter(_in(period, "at"), after=Subscription.Frequency.OFF)
                .exclude(before=Subscription.Frequency.OFF)
                .order_by()
                .values(k=ALL)
                .annotate(v1=Count("member", distinct=True)),
            ),
        ]
    )
    by_status: dict[str, int] = {}
    by_reason: dict[str, int] = {}
    for key, _n, count, *_rest in found["deliveries"]:
        status, _slash, reason = key.partition("/")
        by_status[status] = by_status.get(status, 0) + count
        if status == Delivery.Status.SKIPPED:
            by_reason[reason] = by_reason.get(reason, 0) + count
    mailed = by_status.get(Delivery.Status.SENT, 0)
    unsubscribed = (found["unsubscribed"] or [("all", None, 0)])[0][2]
    return Section(
        "digests",
        _("Digests"),
        [
            Table(
                "digests-deliveries",
                _("Digests by outcome"),
                [Column("name", _("Outcome"), "text"), Column("deliveries", _("Digests"))],
                [
                    {"key": status, "name": str(label), "deliveries": by_status.get(status, 0)}
                    for status, label in Delivery.Status.choices
                ],
                chart="bars",
            ),
            Table(
                "digests-skipped",
                _("Skipped digests by reason"),
                [Column("name", _("Reason"), "text"), Column("deliveries", _("Digests"))],
                [
                    {"key": reason, "name": str(label), "deliveries": by_reason.get(reason, 0)}
                    for reason, label in Delivery.Reason.choices
                    if reason in by_reason
                ],
                chart="bars",
            ),
            measure_table(
                "digests-unsubscribes",
                _("Unsubscribes"),
                [
                    ("sent", _("Digests sent"), mailed, "count"),
                    ("unsubscribed", _("Members who unsubscribed"), unsubscribed, "count"),
                    ("rate", _("Unsubscribe rate"), _share(unsubscribed, mailed), "percent"),
                ],
                description=_("The unsubscribe rate is unsubscribes per 100 digests sent."),
            ),
        ],
    )


def moderation_section(period: Period) -> SectionBuilder:
    raised = Flag.objects.filter(_in(period, "created_at")).order_by()
    found = yield (
        [
            part(
                "flags",
                raised.values(k=F("reason"), n=F("kind")).annotate(
                    v1=Count("pk"), v2=Count("pk", filter=Q(resolved_at__isnull=False))
                ),
            ),
            summary(
                "to_action",
                raised.exclude(resolved_at=None).values(
                    k=ALL, v=Seconds(F("resolved_at"), F("created_at"))
                ),
            ),
            part(
                "actions",
                AuditEvent.objects.filter(
                    _in(period, "created_at"), action__startswith=MODERATION_PREFIX
                )
                .order_by()
                .values(k=F("action"))
                .annotate(v1=Count("pk")),
            ),
        ]
    )
    reasons: dict[str, list[int]] = {}
    kinds: dict[str, int] = {}
    for reason, kind, flags, resolved, *_rest in found["flags"]:
        totals = reasons.setdefault(reason, [0, 0])
        totals[0] += flags
        totals[1] += resolved
        kinds[kind] = kinds.get(kind, 0) + flags
    actions = {k.removeprefix(MODERATION_PREFIX): values[0] for k, _n, *values in found["actions"]}
    return Section(
        "moderation",
        _("Moderation"),
        [
            Table(
                "moderation-flags",
                _("Flags by reason"),
                [
                    Column("name", _("Reason"), "text"),
                    Column("flags", _("Flags")),
                    Column("resolved", pgettext("flags", "Resolved")),
                ],
                [
                    {
                        "key": reason,
                        "name": str(label),
                        "flags": reasons.get(reason, [0, 0])[0],
                        "resolved": reasons.get(reason, [0, 0])[1],
                    }
                    for reason, label in Flag.Reason.choices
                ],
                chart="bars",
            ),
            Table(
                "moderation-flags-by-kind",
                _("Flags by what was flagged"),
                [Column("name", _("Flagged"), "text"), Column("flags", _("Flags"))],
                [
                    {"key": kind, "name": str(label), "flags": kinds.get(kind, 0)}
                    for kind, label in Flag.Kind.choices
                ],
                chart="bars",
            ),
            summary_table(
                "moderation-time-to-action",
                _("Time from flag to action"),
                Column("name", _("Flags"), "text"),
                "seconds",
                [("all", _("Flags raised in the range and resolved"), _stats(found["to_action"]))],
            ),
            Table(
                "moderation-actions",
                _("Moderation actions by kind"),
                [Column("name", _("Action"), "text"), Column("actions", _("Actions"))],
                _ordered(
                    [
                        {
                            "key": verb,
                            "name": str(MODERATION_VERBS.get(verb, verb)),
                            "actions": count,
                        }
                        for verb, count in actions.items()
                    ],
                    "actions",
                ),
                chart="bars",
            ),
        ],
    )


MODERATION_VERBS = {
    "dismiss": pgettext_lazy("moderation action", "Dismiss"),
    "hide": pgettext_lazy("moderation action", "Hide"),
    "restore": pgettext_lazy("moderation action", "Restore"),
    "delete": pgettext_lazy("moderation action", "Delete"),
    "lock": pgettext_lazy("moderation action", "Lock"),
    "unlock": pgettext_lazy("moderation action", "Unlock"),
    "move": pgettext_lazy("moderation action", "Move"),
    "edit": pgettext_lazy("moderation action", "Edit"),
    "warn": pgettext_lazy("moderation action", "Warn"),
    "suspend": pgettext_lazy("moderation action", "Suspend"),
    "ban": pgettext_lazy("moderation action", "Ban"),
    "lift": pgettext_lazy("moderation action", "Lift a suspension"),
}


# --- The knowledge network ------------------------------------------------------------------------


def network_section(period: Period, sector: Sector | None = None) -> SectionBuilder:
    """Who helps whom: engagements begun in the range, from the expert's city-region in Canada
    to each Chinese city-region the request names (for one sector's requests, or all)."""
    edges = NetworkFact.objects.filter(day__gte=period.start, day__lte=period.end)
    if sector is not None:
        edges = edges.filter(
            Exists(
                HelpRequest.sectors.through.objects.filter(
                    helprequest_id=OuterRef("request_id"), sector_id=sector.pk
                )
            )
        )
    found = yield [
        part(
            "edges",
            edges.order_by()
            .values(k=F("canada_region_id"), n=F("china_region_id"))
            .annotate(
                v1=Count("engagement_id", distinct=True),
                v2=Count("expert_id", distinct=True),
                v3=Count("organisation_id", distinct=True),
            ),
        )
    ]
    regions = _names(CityRegion)
    rows = []
    for canada, china, count, experts, smes, *_rest in found["edges"]:
        if canada not in regions or china not in regions:
            continue
        rows.append(
            {
                "key": f"{regions[canada][0]}/{regions[china][0]}",
                "canada_key": regions[canada][0],
                "china_key": regions[china][0],
                "name": regions[canada][1],
                "china": regions[china][1],
                "engagements": count,
                "experts": experts,
                "smes": smes,
            }
        )
    rows = sorted(rows, key=lambda row: (-row["engagements"], row["name"], row["china"]))
    return Section(
        "network",
        _("The knowledge network"),
        [
            Table(
                "network-edges",
                _("Who helps whom"),
                [
                    Column("name", _("City-region in Canada"), "text"),
                    Column("china", _("City-region in China"), "text"),
                    Column("engagements", _("Engagements")),
                    Column("experts", _("Experts")),
                    Column("smes", _("SMEs")),
                ],
                rows,
                chart="network",
                description=_(
                    "Engagements begun in the range, from the expert's city-region in Canada "
                    "to each Chinese city-region the request names."
                ),
            )
        ],
    )


def _collect(*sections) -> list[Section]:
    """Build the sections (generators that yield their parts and are sent back the rows) with
    one query for all their parts together."""
    wanted = [(section, next(section)) for section in sections]
    parts = [
        dataclasses.replace(item, key=f"{index}_{item.key}")
        for index, (_section, items) in enumerate(wanted)
        for item in items
    ]
    found = queries.run(parts)
    built = []
    for index, (section, items) in enumerate(wanted):
        try:
            section.send({item.key: found[f"{index}_{item.key}"] for item in items})
        except StopIteration as done:
            built.append(done.value)
    return built


SECTIONS = (
    members_section,
    forums_section,
    requests_section,
    fairness_section,
    digests_section,
    moderation_section,
)


def report(period: Period, *, sector: Sector | None = None) -> Report:
    """Every section of the dashboard, in one query whatever the data (and one to turn
    PostgreSQL's JIT off, see ``queries.compiled_plainly``), on the read replica if there is one."""
    with reading_replica(), queries.compiled_plainly():
        sections = _collect(*(build(period) for build in SECTIONS), network_section(period, sector))
    return Report(period, sections, sector)


def one_section(table_key: str, period: Period, sector: Sector | None = None) -> Section | None:
    """The section holding the table ``table_key`` (the key starts with the section's), for an
    export; None when no section has such tables. Read on the replica if there is one."""
    build = section_of(table_key)
    if build is None:
        return None
    with reading_replica(), queries.compiled_plainly():
        [section] = _collect(build(period, sector))
    return section


def section_of(table_key: str):
    """The function that builds the section holding the table ``table_key`` (its key starts
    with the section's), taking (period, sector); None when no section has such tables."""
    builders = {build.__name__.removesuffix("_section"): build for build in SECTIONS}
    name = table_key.split("-", 1)[0]
    if name == "network":
        return network_section
    build = builders.get(name)
    return (lambda period, sector=None: build(period)) if build else None
