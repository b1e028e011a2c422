from django.urls import path

from members import views

app_name = "organisations"

urlpatterns = [
    path("new/", views.organisation_create, name="create"),
    path("<uslug:slug>/", views.organisation_detail, name="detail"),
    path("<uslug:slug>/edit/", views.organisation_edit, name="edit"),
    path("<uslug:slug>/invite/", views.organisation_invite, name="invite"),
    path(
        "<uslug:slug>/members/<int:membership_id>/remove/",
        views.organisation_remove_member,
        name="remove_member",
    ),
]
