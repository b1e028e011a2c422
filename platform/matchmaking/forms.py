"""The guided form an SME scopes its help request with. It checks what one field can tell; the
services decide the rest (lengths weighed across scripts, the point of contact, readiness)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from matchmaking.models import Feedback, HelpRequest
from members.models import User


class HelpRequestForm(forms.ModelForm):
    class Meta:
        model = HelpRequest
        fields = [
            "title",
            "description",
            "deliverable",
            "in_scope",
            "out_of_scope",
            "kind",
            "size",
            "deadline",
            "sectors",
            "city_regions",
            "languages",
            "language_required",
            "knowledge_stage",
            "contact",
            "audience",
            "sensitive",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "deliverable": forms.Textarea(attrs={"rows": 3}),
            "in_scope": forms.Textarea(attrs={"rows": 3}),
            "out_of_scope": forms.Textarea(attrs={"rows": 3}),
            "deadline": DateInput,
            "sectors": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "audience": forms.RadioSelect,
        }
        help_texts = {
            "in_scope": _("What the expert is asked to do."),
            "out_of_scope": _("What they are not: it saves both sides time."),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = User.objects.filter(
            memberships__organisation=organisation
        ).order_by("display_name")
        self.fields["description"].strip = False  # leading spaces start a Markdown code block
        self.fields["knowledge_stage"].queryset = self.fields["knowledge_stage"].queryset.order_by(
            "position"
        )
        self.fields["sectors"].queryset = self.fields["sectors"].queryset.order_by("name_en")
        self.fields["languages"].queryset = self.fields["languages"].queryset.order_by("name_en")
        self.fields["city_regions"].queryset = (
            self.fields["city_regions"].queryset.select_related("country").order_by("name_en")
        )


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("A word for them"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=500, required=False)


class AskForm(MessageForm):
    request = forms.ModelChoiceField(
        label=_("Which request"), queryset=HelpRequest.objects.none(), widget=forms.RadioSelect
    )
    field_order = ["request", "message"]

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = HelpRequest.objects.filter(
            pk__in=[request.pk for request in requests]
        )


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["rating", "comment", "private_score", "outcome", "knowledge_stage", "hours"]
        widgets = {
            "rating": forms.RadioSelect(choices=[(n, str(n)) for n in range(1, 6)]),
            "private_score": forms.RadioSelect(choices=[(n, str(n)) for n in range(1, 6)]),
            "comment": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }
