from django.urls import include, path

from economy import views

app_name = "economy"
urlpatterns = [
    path("indicators/", include("economy.indicator_urls")),
    path("", views.update_list, name="list"),
    path("feed/", views.feed, name="feed"),
    path("desk/", views.desk, name="desk"),
    path("new/", views.new_update, name="new"),
    path("<int:update_id>/", views.update_page, name="detail"),
    path("<int:update_id>/edit/", views.edit_update, name="edit"),
    path("<int:update_id>/publish/", views.publish, name="publish"),
    path("<int:update_id>/unpublish/", views.unpublish, name="unpublish"),
    path("<int:update_id>/discard/", views.discard, name="discard"),
]
