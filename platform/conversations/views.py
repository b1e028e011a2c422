"""The messages pages: inbox, a new conversation, a conversation with its reply form, and the
member's settings (who may write to me, whom I blocked), and the files sent in a conversation.
Every page works without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from conversations import access, forms, selectors, services
from conversations.downloads import attachment_response
from core.forms import show_service_error, submitted


def cursor_of(request: HttpRequest) -> str | None:
    cursor = request.GET.get("cursor", "")
    return cursor if 0 < len(cursor) <= 500 else None


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    page = selectors.inbox(member=request.user, cursor=cursor_of(request))
    return render(request, "conversations/inbox.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def new_conversation(request: HttpRequest) -> HttpResponse:
    initial = {"to": request.GET.get("to", "")[:400].replace("\x00", "")}
    form = forms.NewConversationForm(submitted(request), initial=initial, viewer=request.user)
    if form.is_valid():
        try:
            conversation = services.start_conversation(
                author=request.user,
                recipients=form.recipients,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect("conversations:detail", conversation.pk)
    if not form.is_bound and initial["to"]:
        form.initial_recipients = selectors.members_by_handles(
            request.user, forms.HandlesField(required=False).clean(initial["to"])
        ).values()
    return render(
        request,
        "conversations/new.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = access.access_conversation(request.user, conversation_id)
    form = forms.ReplyForm(submitted(request), request.FILES or None)
    if form.is_valid():
        try:
            message = services.send_message(
                author=request.user,
                conversation=conversation,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            url = reverse("conversations:detail", args=[conversation.pk])
            return redirect(f"{url}#message-{message.pk}")
    page = selectors.messages(conversation=conversation, cursor=cursor_of(request))
    members = selectors.participants(conversation)
    if request.method == "GET" and not request.GET.get("cursor"):
        services.mark_read(member=request.user, conversation=conversation)
    return render(
        request,
        "conversations/detail.html",
        {
            "conversation": conversation,
            "messages_shown": list(reversed(page.items)),
            "older_cursor": page.next_cursor,
            "others": [member for member in members if member.pk != request.user.pk],
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@require_safe
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """A file sent in a conversation, for its participants; 404 for everyone else."""
    return attachment_response(request, access.access_attachment(request.user, attachment_id))


@login_required
@require_http_methods(["GET", "POST"])
def messaging_settings(request: HttpRequest) -> HttpResponse:
    current = selectors.messaging_settings(request.user)
    form = forms.SettingsForm(submitted(request), initial={"who_may_write": current.who_may_write})
    if form.is_valid():
        services.set_who_may_write(member=request.user, who=form.cleaned_data["who_may_write"])
        messages.success(request, _("Your messaging settings were saved."))
        return redirect("conversations:settings")
    return render(
        request,
        "conversations/settings.html",
        {"form": form, "blocked": selectors.blocked_members(request.user)},
        status=400 if form.is_bound else 200,
    )


def back_to(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=False):
        return target
    return default


@login_required
@require_POST
def block(request: HttpRequest) -> HttpResponse:
    form = forms.HandleForm(request.POST, viewer=request.user)
    if not form.is_valid():
        messages.error(request, _("This member could not be blocked."))
        return redirect("conversations:settings")
    try:
        services.block_member(member=request.user, blocked=form.member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("You blocked %(name)s: they cannot write to you any more.")
            % {"name": form.member.display_name},
        )
    return redirect(back_to(request, reverse("conversations:settings")))


@login_required
@require_POST
def unblock(request: HttpRequest) -> HttpResponse:
    form = forms.HandleForm(request.POST, viewer=request.user, blocked=True)
    if form.is_valid():
        services.unblock_member(member=request.user, blocked=form.member)
        messages.success(request, _("You unblocked %(name)s.") % {"name": form.member.display_name})
    return redirect(back_to(request, reverse("conversations:settings")))
