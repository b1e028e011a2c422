"""The guided form an SME scopes its help request with. It checks what one field can tell; the
services decide the rest (lengths weighed across scripts, the point of contact, readiness)."""

from urllib.parse import urlsplit

from django import forms
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, RadioSelect
from matchmaking.models import Feedback, FollowUp, HelpRequest
from members import access as member_access
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
            "audience": RadioSelect,
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
        label=_("Which request"), queryset=HelpRequest.objects.none(), widget=RadioSelect
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
            "rating": RadioSelect(choices=[(n, str(n)) for n in range(1, 6)]),
            "private_score": RadioSelect(choices=[(n, str(n)) for n in range(1, 6)]),
            "comment": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }


class ReferralForm(forms.Form):
    """Whom a facilitator refers a request to: a member or an organisation, named by the address
    of its page on the platform (or a member's handle), with a note."""

    to = forms.CharField(
        label=_("Refer to"),
        max_length=300,
        help_text=_("Paste the address of a member's profile or of an organisation's page."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why they could help: the SME and they both read it."),
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean_to(self) -> dict:
        """``{"member": user}`` or ``{"organisation": organisation}``."""
        kind, key = _page_named_by(self.cleaned_data["to"])
        try:
            if kind in ("members", "handle"):
                return {"member": member_access.access_profile(self.viewer, key).user}
            if kind == "organisations":
                return {"organisation": member_access.access_organisation(self.viewer, key)}
        except Http404:
            pass
        raise forms.ValidationError(
            _("No member or organisation has this address."), code="not_found"
        )


def _page_named_by(text: str) -> tuple[str, str]:
    """("members", handle), ("organisations", slug) or ("handle", text) for a bare word."""
    text = text.strip()
    path = urlsplit(text).path if "/" in text else ""
    if not path:
        return "handle", text
    try:
        match = resolve(path)
    except Resolver404:
        return "", ""
    if match.view_name == "members:profile":
        return "members", match.kwargs["handle"]
    if match.view_name == "organisations:detail":
        return "organisations", match.kwargs["slug"]
    return "", ""


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["use", "story"]
        widgets = {"use": RadioSelect, "story": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["use"].required = True
        self.fields["use"].choices = FollowUp.Use.choices
