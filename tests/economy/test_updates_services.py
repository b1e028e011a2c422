"""What Editors do to economy updates: write drafts, publish now or at a set time, unpublish,
discard drafts and reviewed imports; Markdown sanitised; every change indexed again; an audit
event when an Editor acts on an update they did not write."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import search
from core.models import AuditEvent
from economy import selectors, services
from economy.models import EconomyUpdate
from tests.core.hostile_markdown import CORPUS
from tests.core.test_markdown import IGNORED_IN_SCHEME, POST_ATTRIBUTES, POST_TAGS, Markup
from tests.economy.factories import (
    draft,
    editor,
    fields,
    imported,
    published,
    region,
    scheduled,
    sector,
)

pytestmark = pytest.mark.django_db
Status = EconomyUpdate.Status


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def visible_ids() -> set[int]:
    return set(EconomyUpdate.objects.visible().values_list("pk", flat=True))


# --- Writing ------------------------------------------------------------------------------------


def test_a_new_update_is_a_draft_of_its_author_rendered_and_indexed():
    author = editor()
    update = services.create_update(
        author=author,
        **fields(sectors=[sector("automotive")], city_regions=[region("shenzhen")], language="fr"),
    )
    assert (update.status, update.author, update.published_at) == (Status.DRAFT, author, None)
    assert "<li>Fees halved</li>" in update.body_html
    update.refresh_from_db()
    assert update.tokens.split() == [
        f"s{sector('automotive').pk}",
        f"k{region('shenzhen').pk}",
        "gfr",
    ]
    assert "shenzhen" in update.search_text.split()
    assert update.pk not in visible_ids()


def test_changes_are_indexed_again_and_lists_replace_what_was_there():
    update = draft(sectors=[sector("automotive")])
    services.change_update(
        update=update, actor=update.author, title="Suzhou opens a battery park", sectors=[]
    )
    update.refresh_from_db()
    assert update.title == "Suzhou opens a battery park"
    assert "suzhou" in update.search_text.split()
    assert not update.tokens.startswith("s")
    assert not AuditEvent.objects.exists()  # their own


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"title": "ab"}, {"title": ["min_length"]}),
        ({"title": "x" * 201}, {"title": ["max_length"]}),
        ({"summary": "x" * 601}, {"summary": ["max_length"]}),
        ({"body": "a\x00b"}, {"body": ["null"]}),
        ({"source_url": "javascript:alert(1)"}, {"source_url": ["invalid"]}),
        ({"source_url": "ftp://example.org/x"}, {"source_url": ["invalid"]}),
        ({"language": "de"}, {"language": ["invalid"]}),
        ({"title": "", "language": ""}, {"title": ["min_length"], "language": ["invalid"]}),
    ],
)
def test_bad_input_is_refused_by_field(changes, errors):
    with pytest.raises(ValidationError) as refused:
        services.create_update(author=editor(), **fields(**changes))
    assert codes(refused.value) == errors
    assert not EconomyUpdate.objects.exists()


def test_a_chinese_title_of_two_characters_is_long_enough():
    assert draft(title="限电", language="zh-hans").title == "限电"


def test_a_published_update_must_keep_a_summary_or_a_body():
    update = published()
    with pytest.raises(ValidationError) as refused:
        services.change_update(update=update, actor=update.author, summary="", body="")
    assert codes(refused.value) == {"summary": ["missing"]}
    update.refresh_from_db()
    assert update.summary


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_markdown_comes_out_inert(name):
    body = CORPUS[name][:20_000]
    if "\x00" in body:  # refused outright
        with pytest.raises(ValidationError):
            draft(body=body)
        return
    update = draft(body=body)
    markup = Markup(update.body_html)
    for tag, attrs in markup.tags:
        assert tag in POST_TAGS, tag
        assert tag != "img", tag
        assert set(attrs) <= POST_ATTRIBUTES.get(tag, set()), (tag, attrs)
    for url in markup.values("a", "href"):
        scheme = IGNORED_IN_SCHEME.sub("", url).lower()
        assert not scheme.startswith(("javascript:", "vbscript:", "data:", "file:")), url


# --- Publishing ---------------------------------------------------------------------------------


def test_publishing_now_shows_it_to_readers():
    update = draft()
    services.publish_update(update=update, actor=update.author)
    update.refresh_from_db()
    assert update.status == Status.PUBLISHED
    assert update.published_at <= timezone.now()
    assert update.pk in visible_ids()


def test_a_scheduled_update_is_unseen_until_its_time():
    update = scheduled(after=timedelta(hours=2))
    assert update.pk not in visible_ids()
    assert not selectors.published_updates().filter(pk=update.pk).exists()
    assert selectors.is_scheduled(update)
    later = timezone.now() + timedelta(hours=3)
    assert selectors.published_updates(now=later).filter(pk=update.pk).exists()
    assert update.pk in set(EconomyUpdate.objects.visible(later).values_list("pk", flat=True))


def test_a_scheduled_update_may_be_published_now_instead():
    update = scheduled()
    services.publish_update(update=update, actor=update.author)
    assert update.pk in visible_ids()


def test_publishing_refuses_a_time_gone_by_an_update_already_out_and_an_empty_one():
    update = draft()
    with pytest.raises(ValidationError) as refused:
        services.publish_update(
            update=update, actor=update.author, at=timezone.now() - timedelta(minutes=5)
        )
    assert codes(refused.value) == {"at": ["past"]}
    out = published()
    with pytest.raises(ValidationError) as refused:
        services.publish_update(update=out, actor=out.author)
    assert refused.value.code == "published"
    empty = draft(summary="", body="")
    with pytest.raises(ValidationError) as refused:
        services.publish_update(update=empty, actor=empty.author)
    assert codes(refused.value) == {"summary": ["missing"]}


def test_unpublishing_makes_it_a_draft_again():
    update = published()
    services.unpublish_update(update=update, actor=update.author)
    update.refresh_from_db()
    assert (update.status, update.published_at) == (Status.DRAFT, None)
    assert update.pk not in visible_ids()
    with pytest.raises(ValidationError):
        services.unpublish_update(update=update, actor=update.author)


# --- Reviewing imports, discarding, the audit log ----------------------------------------------


def test_an_editor_publishes_a_reviewed_import_and_the_audit_log_says_so():
    update = imported()
    reviewer = editor()
    services.publish_update(update=update, actor=reviewer)
    assert update.pk in visible_ids()
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.target) == (
        reviewer,
        "economy.publish_update",
        EconomyUpdate.objects.get(pk=update.pk),
    )
    assert event.details["was"] == "review"
    assert event.details["feed"] == update.feed_id


def test_an_editor_discards_a_reviewed_import_with_a_reason():
    update = imported()
    reviewer = editor()
    services.discard_update(update=update, actor=reviewer, reason="A rumour, not news.")
    assert not EconomyUpdate.objects.filter(pk=update.pk).exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.reason, event.target_id) == (
        "economy.discard_update",
        "A rumour, not news.",
        str(update.pk),
    )
    assert event.details["title"] == update.title


def test_changing_another_editors_update_is_audited_and_ones_own_is_not():
    update = published()
    services.change_update(update=update, actor=update.author, summary="Clearer.")
    assert not AuditEvent.objects.exists()
    colleague = editor()
    services.change_update(update=update, actor=colleague, summary="Clearer still.")
    services.unpublish_update(update=update, actor=colleague)
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "actor")) == [
        ("economy.change_update", colleague.pk),
        ("economy.unpublish_update", colleague.pk),
    ]
    assert AuditEvent.objects.first().details["changed"] == ["summary"]


def test_a_published_update_is_not_discarded():
    update = published()
    with pytest.raises(ValidationError) as refused:
        services.discard_update(update=update, actor=update.author)
    assert refused.value.code == "published"
    assert EconomyUpdate.objects.filter(pk=update.pk).exists()


# --- The public list's filters ------------------------------------------------------------------


def test_filters_narrow_the_list_by_sector_region_language_and_words():
    cars = published(sectors=[sector("automotive")], city_regions=[region("shenzhen")])
    mines = published(title="Lithium prices fall in Chengdu", sectors=[sector("mining-energy")])
    french = published(title="Les exportations de Suzhou reculent", language="fr")
    draft(sectors=[sector("automotive")])

    def ids(**filters):
        return {
            update.pk for update in selectors.published_updates(selectors.UpdateFilters(**filters))
        }

    assert ids() == {cars.pk, mines.pk, french.pk}
    assert ids(sectors=[sector("automotive")]) == {cars.pk}
    assert ids(sectors=[sector("automotive"), sector("mining-energy")]) == {cars.pk, mines.pk}
    assert ids(city_regions=[region("shenzhen")]) == {cars.pk}
    assert ids(language="fr") == {french.pk}
    assert ids(query="lithium") == {mines.pk}
    assert ids(query="lithium", sectors=[sector("automotive")]) == set()
    assert search.search(EconomyUpdate.objects.all(), "exportations").get() == french
