"""Staff housekeeping for the economy app: the feeds updates are imported from (their state and
last error at a glance, "Import now" through the feed import), and the indicators with their
values, imported from CSV through ``economy.indicators``. The updates themselves are written and
reviewed on the Editors' pages, not here."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Max
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from economy import feeds, indicators
from economy.models import FeedSource, Indicator, IndicatorValue

# --- Feeds ----------------------------------------------------------------------------------------


class FeedSourceForm(forms.ModelForm):
    url = forms.URLField(label=_("feed address"), max_length=1000, assume_scheme="https")

    class Meta:
        model = FeedSource
        fields = ["name", "url", "language", "trusted", "active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        feeds.validate_url(url)
        return url


@admin.register(FeedSource)
class FeedSourceAdmin(admin.ModelAdmin):
    form = FeedSourceForm
    list_display = [
        "name",
        "url",
        "language",
        "trusted",
        "active",
        "status",
        "checked_at",
        "succeeded_at",
        "failures",
        "short_error",
    ]
    list_filter = ["active", "trusted", "language"]
    search_fields = ["name", "url"]
    fields = [
        "name",
        "url",
        "language",
        "trusted",
        "active",
        "checked_at",
        "succeeded_at",
        "failures",
        "last_error",
        "updates_link",
    ]
    readonly_fields = ["checked_at", "succeeded_at", "failures", "last_error", "updates_link"]
    actions = ["import_now"]

    @admin.display(description=_("status"))
    def status(self, source: FeedSource) -> str:
        if source.failures:
            return pgettext("a feed's status", "Failing")
        if source.checked_at is None:
            return pgettext("a feed's status", "Not imported yet")
        if source.last_error:
            return pgettext("a feed's status", "Imported with a warning")
        return pgettext("a feed's status", "Working")

    @admin.display(description=_("last error"))
    def short_error(self, source: FeedSource) -> str:
        return Truncator(source.last_error).chars(80)

    @admin.display(description=_("updates"))
    def updates_link(self, source: FeedSource) -> str:
        if source.pk is None:
            return ""
        count = source.updates.count()
        return format_html(
            '{} · <a href="{}?tab=review">{}</a>',
            ngettext("%(count)d update imported", "%(count)d updates imported", count)
            % {"count": count},
            reverse("economy:desk"),
            gettext("Imports to review, on the Editors' desk"),
        )

    def save_model(self, request, obj, form, change):
        if change and "url" in form.changed_data:
            # What the old address answered says nothing about the new one.
            obj.etag = obj.last_modified = ""
            obj.failures, obj.last_error = 0, ""
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Import now"))
    def import_now(self, request, queryset):
        """Through the feed import, one source after the other, whatever their schedule."""
        for source in queryset:
            result = feeds.import_feed(source=source)
            if result.error:
                self.message_user(request, f"{source}: {result.error}", messages.ERROR)
            elif result.not_modified:
                self.message_user(
                    request,
                    gettext("%(feed)s: nothing new since the last import.") % {"feed": source},
                    messages.INFO,
                )
            else:
                count = len(result.created)
                text = ngettext(
                    "%(feed)s: %(count)d new update, %(duplicates)d already imported.",
                    "%(feed)s: %(count)d new updates, %(duplicates)d already imported.",
                    count,
                ) % {"feed": source, "count": count, "duplicates": result.duplicates}
                if result.warning:
                    text = f"{text} {result.warning}"
                level = messages.WARNING if result.warning else messages.SUCCESS
                self.message_user(request, text, level)


# --- Indicators -----------------------------------------------------------------------------------


class ImportValuesForm(forms.Form):
    indicator = forms.ModelChoiceField(
        Indicator.objects.all(),
        required=False,
        label=_("Indicator"),
        empty_label=_("— Named on each line —"),
        help_text=_(
            "Choose one when the file has two columns, date and value. Leave it empty when "
            "each line starts with the indicator's key."
        ),
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One value a line: key,date,value or date,value; a first line naming the columns is "
            "optional. Dates as 2025-03-31, or 2025-03 for a month, 2025-Q1 for a quarter. "
            "A value for a date already there replaces it."
        ),
    )


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name_en", "slug", "unit", "value_count", "latest_date"]
    search_fields = ["name_en", "name_fr", "name_zh_hans", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["sectors"]
    fields = [
        "name_en",
        "name_fr",
        "name_zh_hans",
        "slug",
        "unit",
        "source_name",
        "source_url",
        "sectors",
        "values_link",
    ]
    readonly_fields = ["values_link"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_list_template = "economy/indicators_admin_change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(value_count=Count("values"), latest_date=Max("values__date"))
        )

    @admin.display(description=_("values"), ordering="value_count")
    def value_count(self, indicator: Indicator) -> int:
        return indicator.value_count

    @admin.display(description=_("latest date"), ordering="latest_date")
    def latest_date(self, indicator: Indicator):
        return indicator.latest_date

    @admin.display(description=_("values"))
    def values_link(self, indicator: Indicator) -> str:
        if indicator.pk is None:
            return ""
        return format_html(
            '<a href="{}?indicator__id__exact={}">{}</a> · <a href="{}?indicator={}">{}</a>',
            reverse("admin:economy_indicatorvalue_changelist"),
            indicator.pk,
            gettext("See and correct the values"),
            reverse("admin:economy_indicator_import"),
            indicator.pk,
            gettext("Import values from CSV"),
        )

    def get_urls(self):
        return [
            path(
                "import-values/",
                self.admin_site.admin_view(self.import_values_view),
                name="economy_indicator_import",
            ),
            *super().get_urls(),
        ]

    def import_values_view(self, request):
        """A CSV file's values through ``indicators.import_values``; its report (every line
        refused, and why) shown on the same page."""
        if not (
            request.user.has_perm("economy.add_indicatorvalue")
            and request.user.has_perm("economy.change_indicatorvalue")
        ):
            raise PermissionDenied
        chosen = request.GET.get("indicator", "")
        form = ImportValuesForm(
            request.POST or None,
            request.FILES or None,
            initial={"indicator": chosen if chosen.isdigit() else None},
        )
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = indicators.import_values(
                    file=form.cleaned_data["file"], indicator=form.cleaned_data["indicator"]
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                summary, *_errors = indicators.describe(report)
                level = messages.WARNING if report.errors else messages.SUCCESS
                self.message_user(request, summary, level)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import indicator values from CSV"),
            "form": form,
            "report": report,
            "opts": self.model._meta,
            "max_kb": indicators.size_limit() // 1024,
        }
        return TemplateResponse(request, "economy/indicators_admin_import.html", context)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "date", "value"]
    list_filter = ["indicator"]
    list_select_related = ["indicator"]
    date_hierarchy = "date"
    ordering = ["indicator__name_en", "-date"]
    search_fields = ["indicator__slug", "indicator__name_en"]
    autocomplete_fields = ["indicator"]
