from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:table>.csv", views.table_csv, name="table_csv"),
    path("network.csv", views.network_csv, name="network_csv"),
    path("network.graphml", views.network_graphml, name="network_graphml"),
]
