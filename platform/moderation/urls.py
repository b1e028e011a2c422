from django.urls import path

from moderation import views
from moderation.models import Flag

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<str:case_id>/", views.case, name="case"),
    path("members/<str:member_id>/", views.member, name="member"),
    path("sanctions/<str:sanction_id>/lift/", views.lift, name="lift"),
    *(
        path(f"flag/{kind}/<str:key>/", views.flag, {"kind": kind}, name=f"flag_{kind}")
        for kind in Flag.Kind.values
    ),
]
