"""The one door to economy updates, and who the Editors are.

``access_update`` answers 404 when the viewer may not know an update exists and 403 when they may
read it but not change it. The rules:

- Everyone, visitors included, reads the updates that are published and whose publication time
  has come (``EconomyUpdate.objects.visible``).
- Editors (members of the "Editors" staff group, through the permission its data migration gives
  it, and superusers) also read drafts, scheduled updates and those imported from a feed that
  wait for review; they write, publish, unpublish and discard them.
- Everyone else, staff who are not Editors included, learns nothing of the others: 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from economy.models import EconomyUpdate

EDITOR_PERMISSION = "economy.change_economyupdate"


def is_editor(viewer) -> bool:
    """An active member holding the Editors' permission (a superuser holds every permission).
    Django's backend remembers the viewer's permissions for the rest of the request."""
    return bool(viewer.is_authenticated and viewer.is_active and viewer.has_perm(EDITOR_PERMISSION))


def access_update(viewer, update_id: int, *, for_write: bool = False) -> EconomyUpdate:
    """The update with what its page shows (sectors, city-regions, its author and its feed)."""
    editor = is_editor(viewer)
    rows = EconomyUpdate.objects.all() if editor else EconomyUpdate.objects.visible()
    update = (
        rows.select_related("author", "feed")
        .prefetch_related("sectors", "city_regions")
        .filter(pk=update_id)
        .first()
    )
    if update is None:
        raise Http404
    if for_write and not editor:
        raise PermissionDenied
    return update
