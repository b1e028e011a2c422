"""Who reads the reports: active members holding ``reports.view_reports`` (the Administrators
staff group, through its data migration, and superusers). Pages answer others 403 (visitors are
sent to log in first), the API 401 or 403; the monthly report goes to the same people."""

from django.core.exceptions import PermissionDenied

PERMISSION = "reports.view_reports"


def can_view_reports(viewer) -> bool:
    """Django's backend remembers the viewer's permissions for the rest of the request."""
    return bool(viewer.is_authenticated and viewer.is_active and viewer.has_perm(PERMISSION))


def require_reports(viewer) -> None:
    if not can_view_reports(viewer):
        raise PermissionDenied
