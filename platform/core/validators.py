from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# At least one visible character and no NUL (which PostgreSQL cannot store); written as a pattern so
# that the API schema states the rule too.
visible_text = RegexValidator(
    r"^[^\x00]*[^\s\x00][^\x00]*$", _("Enter at least one visible character.")
)
