from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from core.forms import label_empty_choices_in_words

        label_empty_choices_in_words()
