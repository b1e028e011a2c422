from django.urls import path

from forums import search_views

app_name = "forums"
urlpatterns = [
    path("search/", search_views.search, name="search"),
]
