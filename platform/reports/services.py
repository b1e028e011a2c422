"""The monthly report, mailed to everyone who may read the reports, each in their language.

``send_monthly_report`` mails last month's report (or ``month``'s) to each administrator who has
not had it yet. Each mail is recorded (one ``MonthlyReportMail`` per recipient and month, a
unique pair) in the transaction that sends it: the row is locked while the mail goes out and
marked sent once the server took it, so a task run twice, retried or run by two workers at once
mails no one twice, and a mail the server refused is tried again by the retried task.
"""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Concat, Trunc
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext

from digests.models import Delivery
from forums.models import Post, Thread
from matchmaking.models import Engagement, HelpRequest
from members.models import CANADA, CityRegion, Country, Profile
from members.models import User as Member
from reports import selectors
from reports.formats import show, shown_rows
from reports.models import (
    DailyCount,
    ExpertFact,
    MonthlyReportMail,
    NetworkFact,
    RequestFact,
    ThreadFact,
)
from reports.periods import Period, previous_month
from reports.queries import Seconds

# What the mail shows of the report: key figures as tables, and bars for these breakdowns.
MAIL_TABLES = (
    "members-totals",
    "forums-totals",
    "requests-funnel",
    "requests-hours",
    "fairness-totals",
    "digests-unsubscribes",
    "moderation-flags",
)
MAIL_BARS = ("members-by-sector", "requests-by-sector", "network-edges")
MAIL_BAR_ROWS = 8


def _day(name: str) -> Trunc:
    return Trunc(name, "day", output_field=DateField(), tzinfo=timezone.get_default_timezone())


def daily_metrics() -> dict:
    """What ``DailyCount`` holds, metric by metric: querysets whose ``values()`` are ``k`` (the
    key), ``d`` (the day) and ``c`` (how many)."""
    none = Value("")
    return {
        "joined": Member.objects.values(k=none, d=_day("date_joined")).annotate(c=Count("pk")),
        "joined.sector": Profile.sectors.through.objects.values(
            k=F("sector_id"), d=_day("profile__user__date_joined")
        ).annotate(c=Count("pk")),
        "joined.region": Member.objects.values(
            k=F("profile__canadian_region_id"), d=_day("date_joined")
        ).annotate(c=Count("pk")),
        "joined.origin": Member.objects.values(
            k=F("profile__country_of_origin_id"), d=_day("date_joined")
        ).annotate(c=Count("pk")),
        "active": Profile.objects.values(k=none, d=_day("last_active_at")).annotate(c=Count("pk")),
        "replies": Post.objects.filter(number__gt=1, deleted_at__isnull=True)
        .values(k=none, d=_day("created_at"))
        .annotate(c=Count("pk")),
        "digests": Delivery.objects.values(
            k=Concat("status", Value("/"), "reason"), d=_day("created_at")
        ).annotate(c=Count("pk")),
    }


def _first(rows, moment: str):
    return Subquery(rows.order_by(moment).values(moment)[:1])


def request_facts():
    """``RequestFact``'s rows, one per published request (see the model)."""
    asked = Engagement.objects.filter(request=OuterRef("pk"))
    engaged = asked.filter(status__in=selectors.ENGAGED)
    invited = _first(asked.filter(origin=Engagement.Origin.INVITATION), "created_at")
    matched = _first(engaged.exclude(answered_at=None), "answered_at")
    return HelpRequest.objects.exclude(published_at=None).values(
        "pk",
        day=_day("published_at"),
        matched=Exists(asked),
        engaged=Exists(engaged),
        resolved=ExpressionWrapper(
            Q(status=HelpRequest.Status.RESOLVED), output_field=BooleanField()
        ),
        first_invitation=Seconds(invited, F("published_at")),
        first_match=Seconds(matched, F("published_at")),
    )


def thread_facts():
    """``ThreadFact``'s rows, one per thread."""
    first_reply = _first(Post.objects.filter(thread=OuterRef("pk"), number=2), "created_at")
    return Thread.objects.values(
        "pk", day=_day("created_at"), first_reply=Seconds(first_reply, F("created_at"))
    )


def network_facts():
    """``NetworkFact``'s rows (see the model)."""
    return Engagement.objects.filter(
        status__in=selectors.ENGAGED,
        answered_at__isnull=False,
        expert__profile__canadian_region__isnull=False,
        request__city_regions__country__code=selectors.CHINA,
    ).values(
        "pk",
        "request",
        day=_day("answered_at"),
        expert_key=F("expert_id"),
        organisation=F("request__organisation_id"),
        canada=F("expert__profile__canadian_region_id"),
        china=F("request__city_regions__id"),
    )


def expert_facts():
    """``ExpertFact``'s rows (see the model)."""
    first_asked = _first(Engagement.objects.filter(expert=OuterRef("user_id")), "created_at")
    return Profile.objects.filter(
        offers_expertise=True, open_to_requests=True, paused=False, user__is_active=True
    ).values(
        "user",
        joined=_day("user__date_joined"),
        first_asked=Trunc(
            first_asked,
            "day",
            output_field=DateField(),
            tzinfo=timezone.get_default_timezone(),
        ),
    )


def _corridor_counts(cursor) -> None:
    """Daily counts of the requests published per corridor (a Chinese city-region, a Canadian
    one and a sector the request names together), engaged ones and resolved ones, read from the
    requests' facts just rebuilt."""
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(name) for name in ("metric", "key", "day", "count")
    )
    regions = HelpRequest.city_regions.through._meta
    sectors = HelpRequest.sectors.through._meta
    region_of, country = CityRegion._meta.db_table, Country._meta.db_table
    req, region = regions.get_field("helprequest").column, regions.get_field("cityregion").column
    sector_req, sector = sectors.get_field("helprequest").column, sectors.get_field("sector").column
    corridors = (
        f"SELECT CAST(cn.{region} AS TEXT) || '-' || CAST(ca.{region} AS TEXT) || '-' || "  # noqa: S608 - _meta names
        f"CAST(rs.{sector} AS TEXT) AS k, r.day AS day, r.engaged AS engaged, "
        f"r.resolved AS resolved FROM {RequestFact._meta.db_table} r "
        f"JOIN {regions.db_table} cn ON cn.{req} = r.request_id "
        f"JOIN {region_of} cnr ON cnr.id = cn.{region} "
        f"JOIN {country} cnc ON cnc.id = cnr.country_id AND cnc.code = %s "
        f"JOIN {regions.db_table} ca ON ca.{req} = r.request_id "
        f"JOIN {region_of} car ON car.id = ca.{region} "
        f"JOIN {country} cac ON cac.id = car.country_id AND cac.code = %s "
        f"JOIN {sectors.db_table} rs ON rs.{sector_req} = r.request_id"
    )
    for metric, counted in (
        ("corridor", "1"),
        ("corridor.engaged", "CASE WHEN c.engaged THEN 1 ELSE 0 END"),
        ("corridor.resolved", "CASE WHEN c.resolved THEN 1 ELSE 0 END"),
    ):
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 - _meta names and constants
            f"SELECT %s, c.k, c.day, SUM({counted}) FROM ({corridors}) c "
            f"GROUP BY c.k, c.day HAVING SUM({counted}) > 0",
            [metric, selectors.CHINA, CANADA],
        )


def _insert(cursor, model, columns: list[str], rows, prefix: tuple = ()) -> None:
    """INSERT INTO ``model``'s table the rows of a queryset, in the database."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    sql, params = rows.order_by().query.sql_with_params()
    cursor.execute(
        f"INSERT INTO {table} ({names}) SELECT * FROM ({sql}) q",  # noqa: S608 - compiled, _meta
        [*prefix, *params],
    )


def refresh_daily_counts() -> int:
    """Rebuild every daily count (and the facts of requests and threads) in one transaction,
    each metric one INSERT … SELECT grouped in the database (readers see the old counts or the
    new, never half); returns the daily counts' rows."""
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(name) for name in ("metric", "key", "day", "count")
    )
    with transaction.atomic(), connection.cursor() as cursor:
        RequestFact.objects.all().delete()
        _insert(
            cursor,
            RequestFact,
            [
                "request_id",
                "day",
                "matched",
                "engaged",
                "resolved",
                "first_invitation",
                "first_match",
            ],
            request_facts(),
        )
        ThreadFact.objects.all().delete()
        _insert(cursor, ThreadFact, ["thread_id", "day", "first_reply"], thread_facts())
        NetworkFact.objects.all().delete()
        _insert(
            cursor,
            NetworkFact,
            [
                "engagement_id",
                "request_id",
                "day",
                "expert_id",
                "organisation_id",
                "canada_region_id",
                "china_region_id",
            ],
            network_facts(),
        )
        ExpertFact.objects.all().delete()
        _insert(cursor, ExpertFact, ["expert_id", "joined", "first_asked"], expert_facts())
        DailyCount.objects.all().delete()
        _corridor_counts(cursor)
        for metric, rows in daily_metrics().items():
            sql, params = rows.order_by().query.sql_with_params()
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 - compiled querysets, _meta names
                "SELECT %s, COALESCE(CAST(q.k AS TEXT), ''), q.d, q.c "
                f"FROM ({sql}) q WHERE q.d IS NOT NULL",
                [metric, *params],
            )
    return DailyCount.objects.count()


def administrators():
    """Active members who may read the reports: those holding the permission through a group
    (the Administrators) or directly, and superusers."""
    permission = Permission.objects.filter(
        content_type__app_label="reports", codename="view_reports"
    ).first()
    holders = Q(is_superuser=True)
    if permission is not None:
        holders |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return (
        get_user_model()
        .objects.filter(holders, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def send_monthly_report(*, month: date | None = None, now=None) -> int:
    """Mail the month's report to every administrator who has not had it; how many were sent."""
    now = now or timezone.now()
    period = (
        Period.month(month)
        if month
        else previous_month(timezone.localdate(now, timezone.get_default_timezone()))
    )
    recipients = list(administrators())
    already = set(
        MonthlyReportMail.objects.filter(
            month=period.start, recipient__in=recipients, sent_at__isnull=False
        ).values_list("recipient_id", flat=True)
    )
    if any(recipient.pk not in already for recipient in recipients):
        refresh_daily_counts()  # the month's last days counted too
    contents: dict[str, tuple[str, str, str]] = {}  # per language: subject, text, HTML
    sent = 0
    connection = None
    for recipient in recipients:
        if recipient.pk in already:
            continue
        language = recipient.language or settings.LANGUAGE_CODE
        with transaction.atomic():
            mail, _created = MonthlyReportMail.objects.get_or_create(
                month=period.start, recipient=recipient, defaults={"language": language}
            )
            mail = MonthlyReportMail.objects.select_for_update().get(pk=mail.pk)
            if mail.sent_at is not None:
                continue
            if language not in contents:
                contents[language] = compose(period, language)
            subject, text, html = contents[language]
            message = EmailMultiAlternatives(
                subject=subject,
                body=text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[recipient.email],
                headers={"Auto-Submitted": "auto-generated"},
            )
            message.attach_alternative(html, "text/html")
            connection = connection or get_connection(settings.EMAIL_DELIVERY_BACKEND)
            connection.send_messages([message])
            mail.sent_at = timezone.now()
            mail.language = language
            mail.save(update_fields=["sent_at", "language"])
            sent += 1
    return sent


def compose(period: Period, language: str) -> tuple[str, str, str]:
    """The subject, text and HTML of the month's report in ``language``."""
    with translation.override(language):
        report = selectors.report(period)
        month = date_format(period.start, "YEAR_MONTH_FORMAT")
        dashboard = (
            settings.SITE_URL + reverse("reports:dashboard") + "?" + urlencode(period.query())
        )
        tables = [report.table(key) for key in MAIL_TABLES]
        bars = [_top(report.table(key)) for key in MAIL_BARS]
        context = {
            "period": period,
            "month": month,
            "dashboard_url": dashboard,
            "tables": [(table, shown_rows(table)) for table in tables],
            "bars": [(table, rows) for table, rows in bars if rows],
        }
        subject = gettext("[KnowBridge] Monthly report for %(month)s") % {"month": month}
        text = render_to_string("reports/email/monthly.txt", context)
        html = render_to_string("reports/email/monthly.html", context)
    return subject, text, html


def _top(table: selectors.Table):
    """The table's first rows as bars: (label, value written out, width in percent)."""
    column = table.chart_column()
    rows = [
        (label, show(value, column.kind), share)
        for label, value, share in table.bars()[:MAIL_BAR_ROWS]
        if value
    ]
    if table.key == "network-edges":
        rows = [
            (f"{row['name']} ↔ {row['china']}", show(row["engagements"], "count"), share)
            for row, (_label, _value, share) in zip(
                table.rows[:MAIL_BAR_ROWS], table.bars()[:MAIL_BAR_ROWS], strict=False
            )
        ]
    return table, rows
