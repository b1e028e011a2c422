from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("language/", views.switch_language, name="switch_language"),
    path("api-token/", views.api_token, name="api_token"),
]
