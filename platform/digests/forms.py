from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import RadioSelect
from digests.models import Delivery, Subscription


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        fields = list(Subscription.MEMBER_CHOICES)
        widgets = {
            "frequency": RadioSelect,
            "sectors": forms.CheckboxSelectMultiple,
            "city_regions": forms.CheckboxSelectMultiple,
            "indicators": forms.CheckboxSelectMultiple,
        }
        labels = {"language": _("Language of the digest")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The language of my interface"))] + [
            (code, name) for code, name in settings.LANGUAGES
        ]

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *list(Delivery.Status.choices)], required=False
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("All")), *list(Delivery.Reason.choices)], required=False
    )
