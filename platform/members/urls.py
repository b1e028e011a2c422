from django.urls import path, re_path

from members import views

app_name = "members"

urlpatterns = [
    path("language/", views.switch_language, name="switch_language"),
    path("api-token/", views.api_token, name="api_token"),
    path("account/data/", views.account_data, name="account_data"),
    path("account/data.json", views.account_data_download, name="account_data_download"),
    path("account/delete/", views.account_delete, name="account_delete"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("welcome/details/", views.onboarding_details, name="onboarding_details"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/experience/", views.profile_experience, name="profile_experience"),
    path("profile/photo/", views.profile_photo, name="profile_photo"),
    path("profile/privacy/", views.profile_privacy, name="profile_privacy"),
    path("<int:user_id>/", views.profile_detail, name="profile"),
    re_path(r"^photos/(?P<file_name>[-\w]+\.jpg)$", views.photo, name="photo"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
