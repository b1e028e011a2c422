"""What members type in the forums' pages, validated by the rules the services and the API share
(``forums.models.clean_title`` …); the services then decide and do the work. Errors a service
raises afterwards (a daily limit, too many links) go back onto the field at fault with
``show_service_error``, beside what the member typed."""

from datetime import date

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput
from forums import access
from forums.models import (
    BODY_MAX_LENGTH,
    MAX_TAGS,
    TITLE_MAX_LENGTH,
    Category,
    Post,
    Tag,
    Thread,
    clean_body,
    clean_tags,
    clean_title,
)
from members import reference
from members.models import CityRegion, KnowledgeStage, Profile, Sector

BODY_HELP = _(
    "Markdown works: **bold**, *italic*, [a link](https://example.org), lists, `code`. "
    "Write @ and a member's handle to mention them."
)


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


EARLIEST = date(2000, 1, 1)
LATEST = date(2999, 12, 31)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    tag = forms.CharField(label=_("Tag"), max_length=40, required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    author = forms.CharField(
        label=_("Author"),
        max_length=40,
        required=False,
        help_text=_("Their handle: the end of their profile's address"),
    )
    since = forms.DateField(label=pgettext_lazy("dates", "From"), required=False, widget=DateInput)
    until = forms.DateField(label=pgettext_lazy("dates", "To"), required=False, widget=DateInput)
    cursor = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.slug: category for category in categories}
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.slug, category.name) for category in categories
        ]
        self.fields["sector"].choices = [("", _("All sectors")), *reference.key_choices(Sector)()]

    def clean_category(self):
        slug = self.cleaned_data["category"]
        return self.categories[slug] if slug else None

    def clean_tag(self):
        name = self.cleaned_data["tag"].strip().lstrip("#").lower()
        if not name:
            return None
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            raise forms.ValidationError(_("No thread has this tag."))
        return tag

    def clean_sector(self):
        slug = self.cleaned_data["sector"]
        return reference.pks(Sector, [slug])[0] if slug else None

    def clean_author(self):
        handle = self.cleaned_data["author"].strip().lstrip("@")
        if not handle:
            return None
        author = Profile.objects.filter(handle__iexact=handle).values_list("user_id", flat=True)
        if not author:
            raise forms.ValidationError(_("No member has this handle."))
        return author[0]

    def _in_range(self, name: str):
        day = self.cleaned_data[name]
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(_("Enter a date between 2000 and 2999."))
        return day

    def clean_since(self):
        return self._in_range("since")

    def clean_until(self):
        return self._in_range("until")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date comes before the start date."))
        return cleaned
