from django.urls import path

from members import api

urlpatterns = [
    path("account/", api.AccountView.as_view(), name="account"),
]
