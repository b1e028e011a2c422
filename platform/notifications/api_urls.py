from django.urls import path

from notifications import api

urlpatterns = [
    path("notifications/", api.NotificationList.as_view(), name="notifications"),
    path("notifications/read/", api.MarkRead.as_view(), name="notifications_read"),
    path(
        "notification-settings/", api.NotificationSettings.as_view(), name="notification_settings"
    ),
]
