from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from digests import services
from members.models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="digests.subscribe_new_member")
def subscribe_new_member(sender, instance, created: bool, raw: bool = False, **kwargs):
    """Every member has a digest subscription, however the account was made; the sign-up is
    recorded as the consent it is."""
    if created and not raw:
        services.subscribe_new_member(member=instance)


@receiver(post_save, sender=Profile, dispatch_uid="digests.follow_the_profiles_time_zone")
def follow_the_profiles_time_zone(sender, instance, created: bool, raw: bool = False, **kwargs):
    """A member who names their Canadian city-region has their digest in its time zone, unless
    they chose another one for it."""
    update_fields = kwargs.get("update_fields")
    if created or raw or (update_fields is not None and "canadian_region" not in update_fields):
        return
    services.follow_region_time_zone(profile=instance)
