"""Reactions to changes in the apps below: a sector added to the reference data gets its forum."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from forums import services
from members.models import Sector


@receiver(post_save, sender=Sector, dispatch_uid="forums.sector_category")
def open_category_for_new_sector(sender, instance: Sector, created: bool, raw: bool, **kwargs):
    if created and not raw:
        services.open_sector_category(sector=instance)
