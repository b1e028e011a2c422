from django.urls import path

from moderation import views
from moderation.models import Flag

app_name = "moderation"
urlpatterns = [
    path(f"flag/{kind}/<str:key>/", views.flag, {"kind": kind}, name=f"flag_{kind}")
    for kind in Flag.Kind.values
]
