"""Economy updates on China's changing economy: written by Editors or imported from feeds, and the
indicators (dated series of figures) that digests and pages show.

An update is a draft until an Editor publishes it; one imported from a feed that staff do not
trust waits for an Editor's review first. A published update whose publication time is still to
come is scheduled: nobody but Editors sees it before then (``EconomyUpdate.objects.visible``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TranslatedName
from members.models import CityRegion, Sector

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 600
BODY_MAX_LENGTH = 20_000
GUID_MAX_LENGTH = 500


class EconomyUpdateQuerySet(models.QuerySet):
    def visible(self, now=None):
        """Published, and their publication time has come."""
        return self.filter(
            status=EconomyUpdate.Status.PUBLISHED, published_at__lte=now or timezone.now()
        )


class EconomyUpdate(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("Waiting for an Editor's review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    summary = models.TextField(
        _("summary"),
        max_length=SUMMARY_MAX_LENGTH,
        blank=True,
        help_text=_("One or two sentences: what changed and for whom."),
    )
    body = models.TextField(_("body"), max_length=BODY_MAX_LENGTH, blank=True)
    body_html = models.TextField(editable=False, blank=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="economy_updates", verbose_name=_("sectors")
    )
    city_regions = models.ManyToManyField(
        CityRegion, blank=True, related_name="economy_updates", verbose_name=_("city-regions")
    )
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    source_url = models.URLField(_("source link"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        help_text=_("A time still to come schedules the update."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    feed = models.ForeignKey(
        "FeedSource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="updates",
        verbose_name=_("imported from"),
    )
    guid = models.CharField(_("entry id in its feed"), max_length=GUID_MAX_LENGTH, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    # What the update is filed under (``s12`` its sectors, ``k5`` its city-regions), for the
    # digests' matching and the list's filters in one lookup.
    tokens = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EconomyUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("economy update")
        verbose_name_plural = _("economy updates")
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="economy_update_published",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "guid"],
                condition=~Q(guid=""),
                name="one_update_per_feed_entry",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_update_has_a_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("economy:detail", args=[self.pk])


class FeedSource(models.Model):
    """An Atom or RSS feed that staff subscribe the platform to; its import state and errors."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("feed address"), max_length=1000, unique=True)
    language = models.CharField(
        _("language of its entries"), max_length=16, choices=settings.LANGUAGES
    )
    trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_("Entries of a trusted feed are published at once; others wait for review."),
    )
    active = models.BooleanField(_("active"), default=True)
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, editable=False)
    succeeded_at = models.DateTimeField(_("last imported"), null=True, blank=True, editable=False)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")

    def __str__(self):
        return self.name


class Indicator(TranslatedName):
    """A named series of dated figures: GDP growth, CPI, manufacturing PMI, CNY/CAD…"""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True, help_text=_("%, index, CAD…"))
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    source_url = models.URLField(_("source link"), max_length=1000, blank=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="indicators", verbose_name=_("sectors")
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name_en"]


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=6)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "date"], name="one_value_per_date"),
        ]
        indexes = [models.Index(fields=["indicator", "-date"], name="indicator_latest_first")]

    def __str__(self):
        return f"{self.indicator_id} {self.date}: {self.value}"
