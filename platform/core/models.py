from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedName(models.Model):
    """Reference data named in each of the site's languages; ``name`` follows the active one."""

    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "en").lower()
        if language.startswith("zh"):
            return self.name_zh_hans or self.name_en
        if language.startswith("fr"):
            return self.name_fr or self.name_en
        return self.name_en
