from django.urls import path, re_path

from members import views

app_name = "members"

urlpatterns = [
    path("language/", views.switch_language, name="switch_language"),
    path("api-token/", views.api_token, name="api_token"),
    path("account/data/", views.account_data, name="account_data"),
    path("account/data.json", views.account_data_download, name="account_data_download"),
    path("account/delete/", views.account_delete, name="account_delete"),
    path(
        "account/verification-mail/",
        views.resend_verification_mail,
        name="resend_verification_mail",
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("staff/", views.staff_home, name="staff_home"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("welcome/details/", views.onboarding_details, name="onboarding_details"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/experience/", views.profile_experience, name="profile_experience"),
    path("profile/photo/", views.profile_photo, name="profile_photo"),
    path("profile/privacy/", views.profile_privacy, name="profile_privacy"),
    re_path(r"^photos/(?P<file_name>[-\w]+\.jpg)$", views.photo, name="photo"),
    path("me/", views.my_profile, name="my_profile"),
    path("<handle:handle>/", views.profile_detail, name="profile"),
    path("invitations/<str:token>/", views.invitation, name="accept_invitation"),
]
