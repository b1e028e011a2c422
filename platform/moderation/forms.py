from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.models import TEXT_LENGTH, Flag


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should moderators look at it?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("What is wrong (required for “Other”)"),
        max_length=TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
