from django.urls import path

from members import views

app_name = "directory"

urlpatterns = [
    path("", views.member_directory, name="members"),
    path("organisations/", views.organisation_directory, name="organisations"),
]
