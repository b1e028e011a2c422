from celery import shared_task

from members import directory


@shared_task
def warm_directory_facets() -> None:
    directory.warm_facets()
