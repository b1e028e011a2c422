from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from conversations.models import Attachment


@receiver(post_delete, sender=Attachment, dispatch_uid="conversations.delete_attachment_file")
def delete_attachment_file(sender, instance: Attachment, **kwargs):
    """However an attachment goes (its message or conversation deleted, a cascade from another
    app), its file goes too, once the deletion is committed."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
