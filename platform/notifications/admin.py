from django.contrib import admin

from core.admin import ReadOnlyAdmin
from notifications.models import EmailDelivery, Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """For staff answering "why did I (not) get this?": what was sent, read and mailed when."""

    list_display = ["created_at", "recipient", "kind", "subject", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email", "subject"]
    date_hierarchy = "created_at"
    raw_id_fields = ["recipient", "actor"]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["sent_at", "recipient", "kind", "period_start", "item_count"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email"]
    date_hierarchy = "sent_at"
