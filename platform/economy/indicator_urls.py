from django.urls import path

from economy import indicator_views

urlpatterns = [
    path("", indicator_views.indicator_list, name="indicators"),
    path("<slug:slug>/", indicator_views.indicator_detail, name="indicator"),
]
