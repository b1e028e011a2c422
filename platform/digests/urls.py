app_name = "digests"
urlpatterns: list = []
