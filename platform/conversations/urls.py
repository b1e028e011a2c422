from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.new_conversation, name="new"),
    path("settings/", views.messaging_settings, name="settings"),
    path("block/", views.block, name="block"),
    path("unblock/", views.unblock, name="unblock"),
    path("<int:conversation_id>/", views.conversation_detail, name="detail"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
