from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from members import services
from members.models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="members.create_profile")
def create_profile(sender, instance: User, created: bool, raw: bool = False, **kwargs):
    """Every member has a profile, however the account was made (sign-up, admin, shell)."""
    if created and not raw:
        Profile.objects.create(user=instance)


@receiver(user_logged_in, dispatch_uid="members.record_activity_on_log_in")
def record_log_in(sender, request, user, **kwargs):
    """The directory's "recent activity" order starts from the last time a member came by."""
    services.record_activity(user=user)
