from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self):
        # Registers the notification kinds; deletes attachments' files with them.
        from conversations import kinds, signals  # noqa: F401

    def load_demo(self, command):
        from conversations.demo import load_demo_conversation

        created = load_demo_conversation()
        command.stdout.write(f"Demo conversation: {'created' if created else 'already there'}.")
