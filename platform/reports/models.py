"""Reports keep one record of their own: each monthly report mailed, one per administrator and
month, written before the mail goes out so that a task run twice mails no one twice. Its Meta
carries the permission to read the reports (``reports.view_reports``), which the Administrators
staff group holds (migration 0002)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyReportMail(models.Model):
    month = models.DateField(_("month"), help_text=_("Its first day."))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    language = models.CharField(_("language"), max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly report mail")
        verbose_name_plural = _("monthly report mails")
        default_permissions = ()
        permissions = [("view_reports", _("Can view the reports"))]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "recipient"], name="one_monthly_report_per_recipient"
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} → {self.recipient_id}"


class DailyCount(models.Model):
    """How many of something happened on a day (in the site's time zone), by key: what the
    dashboard sums over a range instead of counting the largest tables (members, posts, digest
    deliveries) afresh. ``services.refresh_daily_counts`` rebuilds them all in one transaction,
    from beat every few minutes; a range's figures then cost a scan of a few thousand rows.

    Metrics (``services.DAILY_METRICS``): members by the day they joined (``joined``, and by
    sector, city-region in Canada and country of origin, keyed by id, "" for none), members by
    the day of their last activity (``active``), forum replies (``replies``), digest deliveries
    by the day they were decided (``digests``, keyed ``status/reason``), requests published per
    corridor (``corridor``, ``corridor.engaged``, ``corridor.resolved``, keyed by the ids of the
    Chinese city-region, the Canadian city-region and the sector)."""

    metric = models.CharField(max_length=32)
    key = models.CharField(max_length=64, blank=True)
    day = models.DateField()
    count = models.PositiveIntegerField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["metric", "key", "day"], name="one_daily_count"),
        ]
        indexes = [
            models.Index(
                fields=["metric", "day"], include=["key", "count"], name="daily_count_by_day"
            )
        ]

    def __str__(self):
        return f"{self.metric} {self.key} {self.day}: {self.count}"


class RequestFact(models.Model):
    """A published help request as the reports read it (rebuilt with the daily counts): the day
    it was published, how far it went and how fast, so that a range's funnel, timings and
    breakdowns read these rows instead of asking every request's engagements again."""

    request = models.OneToOneField(
        "matchmaking.HelpRequest",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="report_fact",
    )
    day = models.DateField(db_index=True)
    matched = models.BooleanField()  # an invitation or an offer was made
    engaged = models.BooleanField()  # one was accepted
    resolved = models.BooleanField()
    first_invitation = models.FloatField(null=True)  # seconds from publication
    first_match = models.FloatField(null=True)  # seconds to the first accepted engagement

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.request_id} {self.day}"


class ThreadFact(models.Model):
    """A thread as the reports read it: the day it was started and how long its first reply
    took (seconds; none yet: null)."""

    thread = models.OneToOneField(
        "forums.Thread", on_delete=models.CASCADE, primary_key=True, related_name="report_fact"
    )
    day = models.DateField(db_index=True)
    first_reply = models.FloatField(null=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.thread_id} {self.day}"


class NetworkFact(models.Model):
    """An engagement under way or completed, once per Chinese city-region its request names,
    with its expert's city-region in Canada: the knowledge network's edges, ready to count."""

    engagement_id = models.BigIntegerField()
    request_id = models.BigIntegerField()
    day = models.DateField(db_index=True)  # when it was accepted
    expert_id = models.BigIntegerField()
    organisation_id = models.BigIntegerField()
    canada_region_id = models.BigIntegerField()
    china_region_id = models.BigIntegerField()

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.canada_region_id} → {self.china_region_id} {self.day}"


class ExpertFact(models.Model):
    """An expert open to requests today: the day they joined and the day they were first asked
    (invited or offering; null: never)."""

    expert_id = models.BigIntegerField(primary_key=True)
    joined = models.DateField()
    first_asked = models.DateField(null=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return str(self.expert_id)
