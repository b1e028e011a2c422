from django.urls import path

from economy import api

urlpatterns = [
    path("economy-updates/", api.EconomyUpdateList.as_view(), name="economy_updates"),
    path("economy-updates/desk/", api.EconomyUpdateDesk.as_view(), name="economy_updates_desk"),
    path(
        "economy-updates/<str:update_id>/",
        api.EconomyUpdateDetail.as_view(),
        name="economy_update",
    ),
    path(
        "economy-updates/<str:update_id>/publish/",
        api.PublishUpdate.as_view(),
        name="economy_update_publish",
    ),
    path(
        "economy-updates/<str:update_id>/unpublish/",
        api.UnpublishUpdate.as_view(),
        name="economy_update_unpublish",
    ),
    path(
        "economy-updates/<str:update_id>/discard/",
        api.DiscardUpdate.as_view(),
        name="economy_update_discard",
    ),
]
