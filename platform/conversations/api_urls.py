from django.urls import path

from conversations import api

urlpatterns = [
    path("conversations/", api.ConversationList.as_view(), name="conversations"),
    path(
        "conversations/<str:conversation_id>/",
        api.ConversationDetail.as_view(),
        name="conversation",
    ),
    path(
        "conversations/<str:conversation_id>/messages/",
        api.MessageList.as_view(),
        name="conversation_messages",
    ),
    path("attachments/<str:attachment_id>/", api.AttachmentDownload.as_view(), name="attachment"),
    path("messaging-settings/", api.MessagingSettingsView.as_view(), name="messaging_settings"),
    path("blocks/", api.BlockList.as_view(), name="blocks"),
    path("blocks/<str:handle>/", api.BlockDetail.as_view(), name="block"),
]
