"""Digests: each member's subscription, and one delivery record per member and period.

A subscription says how often (daily, weekly, monthly or off), on which day and at which hour of
the member's own time zone, about which sectors, city-regions and indicators (the profile's
sectors and city-regions while ``follows_profile``), in which language. ``next_due_at`` is when
its next digest is due, in UTC: beat reads the due ones from an index instead of examining every
member, and every decision (sent, or skipped and why) moves it on to the next period.

A ``Delivery`` is unique per (member, period) and is written in the transaction that claims the
work, so a task delivered twice, retried, or run by two workers at once mails no one twice.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from economy.models import Indicator
from members.models import CityRegion, Sector, validate_time_zone

DEFAULT_HOUR = 8  # a sensible hour to read a digest, in the member's own time zone


class Subscription(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        OFF = "off", _("Off")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    # What the member chooses (the settings page, the API and the service take these).
    MEMBER_CHOICES = (
        "frequency",
        "weekday",
        "day_of_month",
        "hour",
        "time_zone",
        "language",
        "follows_profile",
        "sectors",
        "city_regions",
        "indicators",
    )

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="digest_subscription",
        verbose_name=_("member"),
    )
    frequency = models.CharField(
        _("how often"), max_length=8, choices=Frequency, default=Frequency.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"),
        choices=Weekday,
        default=Weekday.MONDAY,
        help_text=_("For a weekly digest."),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("For a monthly digest: 1 to 28, so that every month has it."),
    )
    hour = models.PositiveSmallIntegerField(
        _("hour"),
        default=DEFAULT_HOUR,
        validators=[MaxValueValidator(23)],
        help_text=_("In your own time zone."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("Its IANA name, such as America/Vancouver or Asia/Shanghai."),
    )
    follows_profile = models.BooleanField(
        _("follow my profile's sectors and city-regions"), default=True
    )
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="+", verbose_name=_("sectors")
    )
    city_regions = models.ManyToManyField(
        CityRegion, blank=True, related_name="+", verbose_name=_("city-regions")
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="+", verbose_name=_("indicators")
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the language of your interface."),
    )
    next_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When beat last queued this member's digest: a task lost on the way is queued again once
    # this is old enough, while one still waiting in the queue is not queued twice.
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")
        indexes = [
            models.Index(fields=["next_due_at"], condition=~Q(frequency="off"), name="digest_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hour__lte=23), name="digest_hour_of_a_day"),
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=28),
                name="digest_day_every_month_has",
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="digest_day_of_a_week"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.frequency}"


class Delivery(models.Model):
    """What became of one member's digest for one period."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    class Reason(models.TextChoices):
        TOO_LITTLE = "too_little", _("Too little in it")
        INACTIVE = "inactive", _("Member inactive for 180 days")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        NO_ADDRESS = "no_address", _("No deliverable e-mail address")
        SMTP = "smtp", _("The mail server could not take it (tried again later)")
        REFUSED = "refused", _("The mail server refused the address")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    period = models.CharField(_("period"), max_length=16)  # d2026-12-02, w2026-49, m2026-12
    frequency = models.CharField(_("how often"), max_length=8, choices=Subscription.Frequency)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.CLAIMED)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason, blank=True)
    error = models.TextField(_("error"), blank=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    # What the digest held (ids per section), so that "view in browser" shows the same digest.
    items = models.JSONField(default=dict, blank=True)
    since = models.DateTimeField(_("covers since"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    message_id = models.CharField(_("message id"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts to send"), default=0)
    created_at = models.DateTimeField(_("decided"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("last failed"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [
            models.UniqueConstraint(fields=["member", "period"], name="one_digest_per_period"),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="delivery_latest_first"),
            models.Index(fields=["status", "-created_at"], name="delivery_by_status"),
            # Sending looks up a batch's members among the few deliveries still to send; without
            # this, stale statistics lead the planner through the status index, past every sent row.
            models.Index(
                fields=["member"],
                condition=Q(status__in=["claimed", "failed"]),
                name="delivery_to_send",
            ),
        ]

    def __str__(self):
        return f"{self.member_id} {self.period}: {self.status}"


class ConsentEvent(models.Model):
    """A change to what a member agreed to receive: when, how, and from where (Canada's
    anti-spam law asks that consent and its withdrawal can be shown)."""

    class Source(models.TextChoices):
        SETTINGS = "settings", _("Digest settings page")
        API = "api", _("API")
        ONE_CLICK = "one_click", _("One-click unsubscribe from the mail")
        UNSUBSCRIBE_PAGE = "unsubscribe_page", _("Unsubscribe page")
        SIGN_UP = "sign_up", _("Sign-up")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source)
    before = models.CharField(_("before"), max_length=8, choices=Subscription.Frequency)
    after = models.CharField(_("after"), max_length=8, choices=Subscription.Frequency)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent change")
        verbose_name_plural = _("consent changes")
        indexes = [models.Index(fields=["member", "-at"], name="consent_by_member")]

    def __str__(self):
        return f"{self.member_id}: {self.before} → {self.after}"
