from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from members import indexing, services
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


@receiver(post_save, sender=User, dispatch_uid="members.reindex_on_account_change")
def reindex_profile(sender, instance: User, created: bool, raw: bool = False, **kwargs):
    """Whoever deactivates an account or renames it (the admin, a shell), the directory follows;
    saves of single other fields (the time of the last log-in) change nothing it reads."""
    update_fields = kwargs.get("update_fields")
    if created or raw:
        return
    if update_fields is None or {"is_active", "display_name"} & set(update_fields):
        indexing.reindex_profiles([instance.pk])
