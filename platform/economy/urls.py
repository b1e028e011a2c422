from django.urls import include, path

app_name = "economy"
urlpatterns = [
    path("indicators/", include("economy.indicator_urls")),
]
