"""What members type in the forums' pages, validated by the rules the services and the API share
(``forums.models.clean_title`` …); the services then decide and do the work. Errors a service
raises afterwards (a daily limit, too many links) go back onto the field at fault with
``show_service_error``, beside what the member typed."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forums import access
from forums.models import (
    BODY_MAX_LENGTH,
    MAX_TAGS,
    TITLE_MAX_LENGTH,
    Category,
    Post,
    Thread,
    clean_body,
    clean_tags,
    clean_title,
)
from members.models import CityRegion, KnowledgeStage, Sector

BODY_HELP = _(
    "Markdown works: **bold**, *italic*, [a link](https://example.org), lists, `code`. "
    "Write @ and a member's handle to mention them."
)


def show_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on each field it names that the form has,
    the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _body_field(**options) -> forms.CharField:
    return forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        strip=False,  # leading spaces start a Markdown code block
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=BODY_HELP,
        **options,
    )


class _PostText(forms.Form):
    def clean_body(self):
        return clean_body(self.cleaned_data["body"])


class ThreadForm(_PostText):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = _body_field()
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=MAX_TAGS * 41,
        help_text=_("Up to five, separated by commas, e.g. “tax, Suzhou, 外资”."),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.order_by("name_en"), required=False
    )
    city_region = forms.ModelChoiceField(
        label=_("City-region"),
        queryset=CityRegion.objects.select_related("country").order_by("name_en"),
        required=False,
    )
    knowledge_stage = forms.ModelChoiceField(
        label=_("Knowledge stage"),
        queryset=KnowledgeStage.objects.order_by("position"),
        required=False,
    )
    language = forms.ChoiceField(label=_("Language of the post"), choices=settings.LANGUAGES)

    def __init__(self, *args, author, **kwargs):
        """Categories are those ``author`` may start threads in; the language is theirs unless
        they choose another."""
        super().__init__(*args, **kwargs)
        postable = access.readable_categories(author) if author.is_authenticated else None
        self.fields["category"].queryset = (
            postable.order_by("position", "id") if postable is not None else Category.objects.none()
        )
        self.fields["language"].initial = getattr(author, "language", settings.LANGUAGE_CODE)

    def clean_title(self):
        return clean_title(self.cleaned_data["title"])

    def clean_tags(self):
        return clean_tags(self.cleaned_data["tags"])


class ReplyForm(_PostText):
    body = _body_field()
    reply_to = forms.ModelChoiceField(
        queryset=Post.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, thread: Thread, **kwargs):
        """``reply_to`` may only name a post of ``thread`` still there."""
        super().__init__(*args, **kwargs)
        self.fields["reply_to"].queryset = Post.objects.filter(
            thread=thread, deleted_at__isnull=True
        )


class EditPostForm(_PostText):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = _body_field()

    def __init__(self, *args, post: Post, **kwargs):
        """Filled with the post as it is; only an opening post has its thread's title."""
        kwargs.setdefault("initial", {"body": post.body, "title": post.thread.title})
        super().__init__(*args, **kwargs)
        if not post.is_opening:
            del self.fields["title"]

    def clean_title(self):
        return clean_title(self.cleaned_data["title"])
