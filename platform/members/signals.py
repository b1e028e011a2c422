from django.db.models.signals import post_save
from django.dispatch import receiver

from members.models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="members.create_profile")
def create_profile(sender, instance: User, created: bool, raw: bool = False, **kwargs):
    """Every member has a profile, however the account was made (sign-up, admin, shell)."""
    if created and not raw:
        Profile.objects.create(user=instance)
