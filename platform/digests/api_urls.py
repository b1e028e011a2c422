from django.urls import path

from digests import api

urlpatterns = [
    path("digest-subscription/", api.DigestSubscription.as_view(), name="digest_subscription"),
]
