from django.contrib import admin

from core.admin import ReadOnlyAdmin
from digests.models import ConsentEvent, Subscription


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Consent and its withdrawal, as Canada's anti-spam law asks that they can be shown: when,
    how and from what to what. Written only by the services."""

    list_display = ["at", "member", "source", "before", "after"]
    list_filter = ["source", "after"]
    list_select_related = ["member"]
    search_fields = ["member__email"]
    date_hierarchy = "at"
    raw_id_fields = ["member"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """For staff answering "when is my digest due?"; members change theirs on their settings
    page (staff cannot, so that every change is the member's and is logged)."""

    list_display = ["member", "frequency", "hour", "time_zone", "next_due_at", "last_sent_at"]
    list_filter = ["frequency"]
    list_select_related = ["member"]
    search_fields = ["member__email"]
    raw_id_fields = ["member"]
