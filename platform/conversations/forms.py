"""Input of the messages pages; who may write to whom is the services' to say."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from conversations import selectors, uploads
from conversations.models import BODY_LENGTH, SUBJECT_LENGTH, WhoMayWrite
from core.forms import RadioSelect
from core.lists import join_list

MAX_HANDLES = 20


def body_field() -> forms.CharField:
    return forms.CharField(
        label=_("Message"),
        max_length=BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown works: **bold**, *italic*, [links](https://example.org), lists."),
    )


class HandlesField(forms.CharField):
    """Members' handles, separated by commas or spaces, read as a list."""

    def to_python(self, value):
        text = super().to_python(value)
        handles = [handle for handle in re.split(r"[\s,，、;；]+", text) if handle]
        return list(dict.fromkeys(handle.lower().lstrip("@") for handle in handles))


class NewConversationForm(forms.Form):
    to = HandlesField(
        label=_("To"),
        max_length=400,
        help_text=_("Members' handles, separated by commas: the last part of a profile's address."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_LENGTH, required=False)
    body = body_field()

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.recipients = []

    def clean_to(self):
        handles = self.cleaned_data["to"]
        if len(handles) > MAX_HANDLES:
            raise forms.ValidationError(
                _("Write to at most %(count)d members at a time."), params={"count": MAX_HANDLES}
            )
        found = selectors.members_by_handles(self.viewer, handles)
        missing = [handle for handle in handles if handle not in found]
        if missing:
            raise forms.ValidationError(
                _("No member has the handle %(handles)s."), params={"handles": join_list(missing)}
            )
        self.recipients = [found[handle] for handle in handles]
        return handles


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """Files to attach, each checked for what it really is (``uploads.checked_files``); one
    error per refused file, naming it."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def widget_attrs(self, widget) -> dict:
        return {**super().widget_attrs(widget), "accept": uploads.ACCEPT}

    def clean(self, value) -> list[uploads.CheckedFile]:
        return uploads.checked_files(file for file in value or [] if file)


class ReplyForm(forms.Form):
    body = body_field()
    attachments = AttachmentsField(label=_("Attach files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _(
            "Up to %(count)d files of %(size)d MB each: PDF, JPEG, PNG or WebP images, text or "
            "CSV, Word, Excel or PowerPoint documents. If the message cannot be sent, choose "
            "them again."
        ) % {"count": uploads.max_files(), "size": uploads.max_bytes() // 1024 // 1024}


class SettingsForm(forms.Form):
    who_may_write = forms.ChoiceField(
        label=_("Who may write to me"), choices=WhoMayWrite.choices, widget=RadioSelect
    )


class HandleForm(forms.Form):
    """A member named by handle (to block or unblock)."""

    handle = forms.CharField(max_length=32, widget=forms.HiddenInput)

    def __init__(self, *args, viewer, blocked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.blocked = blocked  # look among the viewer's blocked members, seen or not
        self.member = None

    def clean_handle(self):
        handle = self.cleaned_data["handle"]
        if self.blocked:
            self.member = selectors.blocked_member(self.viewer, handle)
        else:
            self.member = selectors.members_by_handles(self.viewer, [handle]).get(handle)
        if self.member is None:
            raise forms.ValidationError(_("No member has this handle."))
        return handle
