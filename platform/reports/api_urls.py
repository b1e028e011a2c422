from django.urls import path

from reports import api

urlpatterns = [
    path("reports/", api.ReportFigures.as_view(), name="reports"),
]
