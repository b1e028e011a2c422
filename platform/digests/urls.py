from django.urls import path

from digests import views

app_name = "digests"
urlpatterns = [
    path("settings/", views.subscription_settings, name="settings"),
    path("preview/", views.preview, name="preview"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("view/<str:token>/", views.view_in_browser, name="view"),
    path("deliveries/", views.delivery_log, name="deliveries"),
]
