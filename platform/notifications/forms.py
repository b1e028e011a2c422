from django import forms

from core.forms import RadioSelect
from notifications import registry
from notifications.registry import Delivery


class PreferencesForm(forms.Form):
    """One choice per registered kind: on the site only, also by e-mail, or off."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in registry.kinds():
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=RadioSelect
            )

    def deliveries(self) -> dict[str, str]:
        return dict(self.cleaned_data)
