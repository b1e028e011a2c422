from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination: page 1,000 of a list costs what page 1 costs."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 100
