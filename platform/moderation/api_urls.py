from django.urls import path

from moderation import api

urlpatterns = [
    path("flags/", api.FlagList.as_view(), name="flags"),
]
