from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from digests import services


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="digests.subscribe_new_member")
def subscribe_new_member(sender, instance, created: bool, raw: bool = False, **kwargs):
    """Every member has a digest subscription, however the account was made; the sign-up is
    recorded as the consent it is."""
    if created and not raw:
        services.subscribe_new_member(member=instance)
