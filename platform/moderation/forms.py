from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RadioSelect
from forums.models import Category
from moderation.content import POST_LENGTH
from moderation.models import TEXT_LENGTH, Flag
from moderation.services import MAX_SUSPENSION_DAYS


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should moderators look at it?"),
        choices=Flag.Reason.choices,
        widget=RadioSelect,
    )
    text = forms.CharField(
        label=_("What is wrong (required for “Other”)"),
        max_length=TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


ACTION_LABELS = {
    "dismiss": _("Dismiss: nothing wrong"),
    "hide": _("Hide"),
    "restore": _("Show again"),
    "delete": _("Delete the post"),
    "lock": _("Lock the thread"),
    "unlock": _("Unlock the thread"),
    "move": _("Move the thread"),
    "edit": _("Edit the post"),
    "warn": _("Warn the author"),
    "suspend": _("Suspend the author"),
    "ban": _("Ban the author"),
}


class DecisionForm(forms.Form):
    """What a moderator decides on a case; the choices are those ``services.actions_for`` allows."""

    action = forms.ChoiceField(label=_("Decision"), widget=RadioSelect)
    reason = forms.CharField(
        label=_("Reason (kept in the audit log; the author reads it when told)"),
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ModelChoiceField(
        label=_("Move to"), queryset=Category.objects.order_by("position", "pk"), required=False
    )
    body = forms.CharField(
        label=_("New text of the post"),
        max_length=POST_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    days = forms.IntegerField(
        label=_("Days of suspension"),
        min_value=1,
        max_value=MAX_SUSPENSION_DAYS,
        required=False,
    )

    def __init__(self, *args, actions: list[str], suggested_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(action, ACTION_LABELS[action]) for action in actions]
        for name, action in (("category", "move"), ("body", "edit"), ("days", "suspend")):
            if action not in actions:
                del self.fields[name]
        self.fields["days"].help_text = _(
            "Empty: %(days)d, the next step for this member's record."
        ) % {"days": suggested_days}


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note for the other moderators"),
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("Why lift it?"), max_length=TEXT_LENGTH)
