from contextlib import contextmanager

import pytest
from django.db import connection, models
from django.db.migrations.state import ProjectState
from django.db.migrations.writer import OperationWriter
from django.test.utils import isolate_apps

from core.search import (
    AddSearchVector,
    common_words,
    rank,
    read_in_index_order,
    search,
    segment,
    without_tokens,
)

POSTGRESQL = connection.vendor == "postgresql"
TABLE = "core_searchtest_document"

DOCUMENTS = {
    "toronto": "Finding a job in Toronto's fintech scene",
    "accented": "Louer un appartement à Montréal en hiver",
    "unaccented": "Trouver un medecin a Montreal",
    "chinese": "多伦多的金融科技创业公司",
    "guide": "Montréal: a Montreal guide",
    "battery": "深圳的电池供应链",
    "traditional": "廣州的軟體外包經驗",
}


@contextmanager
def throwaway_table(table):
    """A table for an isolated model, with the search vector added the way a migration would."""
    with isolate_apps("core"):

        class Document(models.Model):
            key = models.CharField(max_length=20)
            search_text = models.TextField()

            class Meta:
                app_label = "core"
                db_table = table

            def __str__(self):
                return self.key

    operation = AddSearchVector(table)
    with connection.schema_editor() as editor:
        editor.create_model(Document)
        operation.database_forwards("core", editor, ProjectState(), ProjectState())
    try:
        yield Document
    finally:
        with connection.schema_editor() as editor:
            operation.database_backwards("core", editor, ProjectState(), ProjectState())
            editor.delete_model(Document)


@pytest.fixture(scope="module")
def document_model(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), throwaway_table(TABLE) as Document:  # noqa: N806
        Document.objects.bulk_create(
            Document(key=key, search_text=segment(text)) for key, text in DOCUMENTS.items()
        )
        yield Document


@pytest.fixture
def documents(document_model, db):
    return document_model.objects.all()


def found(queryset, query):
    return set(search(queryset, query).values_list("key", flat=True))


# --- segment ------------------------------------------------------------------------------------


def test_segment_splits_latin_text_on_non_word_characters_and_casefolds():
    assert segment("Finding a JOB — in Toronto's fin-tech_scene!") == (
        "finding a job in toronto s fin tech scene"
    )


def test_segment_keeps_accents_and_adds_the_unaccented_form():
    assert segment("Montréal, l'Université, cœur") == (
        "montréal montreal l université universite cœur coeur"
    )
    decomposed = "Montre\u0301al"
    assert segment(decomposed) == "montréal montreal"


def test_segment_cuts_chinese_into_words_and_sub_words():
    tokens = segment("多伦多的金融科技创业公司").split()
    assert {"多伦多", "多伦", "金融", "科技", "创业", "公司"} <= set(tokens)
    assert segment("Toronto多伦多") == "toronto 多伦 多伦多"


def test_segment_writes_traditional_chinese_in_simplified_characters():
    assert segment("電池供應鏈") == segment("电池供应链")
    assert segment("臺北 Taipei") == "台北 taipei"


def test_segment_leaves_simplified_chinese_as_it_was():
    assert segment("广州电池") == "广州 电池"


def test_segment_removes_duplicates_keeping_the_first():
    assert segment("Café café CAFE") == "café cafe"


def test_segment_of_blank_or_punctuation_is_empty():
    assert segment("") == ""
    assert segment("  & | ! ( ) : * ' \\ <-> ，。") == ""


# --- search -------------------------------------------------------------------------------------


def test_finds_english_words_in_any_case(documents):
    assert found(documents, "JOB toronto") == {"toronto"}
    assert found(documents, "Fintech") == {"toronto"}


def test_finds_french_with_or_without_accents(documents):
    everywhere = {"accented", "unaccented", "guide"}
    assert found(documents, "montreal") == everywhere
    assert found(documents, "Montréal") == everywhere
    assert found(documents, "médecin") == {"unaccented"}
    assert found(documents, "appartement hiver") == {"accented"}


def test_finds_chinese_by_words_inside_the_sentence(documents):
    assert found(documents, "金融科技") == {"chinese"}
    assert found(documents, "多伦多") == {"chinese"}
    assert found(documents, "多伦") == {"chinese"}
    assert found(documents, "创业公司") == {"chinese"}
    assert found(documents, "北京") == set()


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("電池", "battery"),
        ("深圳電池", "battery"),
        ("广州", "traditional"),
        ("廣州", "traditional"),
    ],
)
def test_finds_chinese_whichever_script_the_text_and_query_use(documents, query, key):
    assert found(documents, query) == {key}


def test_every_word_must_match(documents):
    assert found(documents, "toronto montreal") == set()
    assert found(documents, "fintech cuisine") == set()


def test_matches_whole_words_only(documents):
    assert found(documents, "mont") == set()
    assert found(documents, "job") == {"toronto"}


@pytest.mark.parametrize(
    "query",
    [
        "fintech & | ! ( ) : * '",
        "!fintech",
        "'fintech'",
        "fintech:*",
        "(fintech)",
        "fintech <-> \\",
        "fintech';--",
    ],
)
def test_query_syntax_characters_are_plain_text(documents, query):
    assert found(documents, query) == {"toronto"}


def test_or_operator_in_a_query_is_not_an_or(documents):
    assert found(documents, "toronto | montreal") == set()


@pytest.mark.parametrize("query", ["", "   ", "& | ! ( ) : * '"])
def test_a_query_without_words_filters_nothing(documents, query):
    assert search(documents, query) is documents
    assert documents.count() == len(DOCUMENTS)


def test_search_composes_with_other_filters_and_subqueries(document_model, db):
    Document = document_model  # noqa: N806
    matches = search(Document.objects.all(), "montreal")
    assert set(matches.exclude(key="guide").values_list("key", flat=True)) == {
        "accented",
        "unaccented",
    }
    nested = Document.objects.filter(pk__in=search(Document.objects.all(), "toronto"))
    assert set(nested.values_list("key", flat=True)) == {"toronto"}


def test_rank_orders_results_on_postgresql_and_is_zero_elsewhere(documents):
    ranked = rank(search(documents, "montreal"), "montreal").order_by("-search_rank", "key")
    rows = list(ranked.values_list("key", "search_rank"))
    assert {key for key, _ in rows} == {"accented", "unaccented", "guide"}
    if POSTGRESQL:  # every word is stored once: the shorter the text, the higher the rank
        assert [key for key, _ in rows] == ["guide", "unaccented", "accented"]
        assert rows[0][1] > rows[1][1] > rows[2][1] > 0
    else:
        assert all(score == 0.0 for _, score in rows)


def test_rank_of_a_query_without_words_is_zero(documents):
    assert set(rank(documents, "!").values_list("search_rank", flat=True)) == {0.0}


# --- the database's own path --------------------------------------------------------------------


def test_each_database_uses_its_own_path(documents):
    sql = str(search(documents, "montreal").query)
    if POSTGRESQL:
        assert f'"{TABLE}"."search_vector" @@ plainto_tsquery' in sql
    else:
        assert "search_vector" not in sql
        assert "LIKE" in sql


def test_generated_column_and_gin_index_exist_only_on_postgresql(documents):
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, TABLE)}
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    if POSTGRESQL:
        assert "search_vector" in columns
        assert constraints[f"{TABLE}_search_gin"]["type"] == "gin"
        assert constraints[f"{TABLE}_search_gin"]["columns"] == ["search_vector"]
    else:
        assert "search_vector" not in columns
        assert f"{TABLE}_search_gin" not in constraints


def test_postgresql_answers_from_the_gin_index_and_others_scan(documents):
    if POSTGRESQL:
        # A five-row table is otherwise read whole, index or not.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        assert f"{TABLE}_search_gin" in search(documents, "多伦多").explain()
    else:
        assert "SCAN" in search(documents, "多伦多").explain()


def test_operation_is_reversible(django_db_setup, django_db_blocker):
    table = "core_searchtest_reversible"
    operation = AddSearchVector(table)

    def columns():
        with connection.cursor() as cursor:
            return {c.name for c in connection.introspection.get_table_description(cursor, table)}

    with django_db_blocker.unblock(), throwaway_table(table):
        assert ("search_vector" in columns()) is POSTGRESQL
        with connection.schema_editor() as editor:
            operation.database_backwards("core", editor, ProjectState(), ProjectState())
        assert "search_vector" not in columns()
        with connection.schema_editor() as editor:
            operation.database_forwards("core", editor, ProjectState(), ProjectState())
        assert ("search_vector" in columns()) is POSTGRESQL


def test_operation_leaves_the_model_state_alone_and_serialises():
    operation = AddSearchVector("forums_post", source_column="body_search")
    state = ProjectState()
    operation.state_forwards("forums", state)
    assert state.models == {}
    assert operation.reversible
    assert "forums_post" in operation.describe()
    assert operation.migration_name_fragment == "forums_post_search_vector"
    source, imports = OperationWriter(operation, indentation=0).serialize()
    assert "core.search.AddSearchVector(" in source
    assert "source_column='body_search'" in source
    assert "import core.search" in imports


@pytest.mark.django_db
def test_reading_in_index_order_turns_bitmap_scans_off_for_its_queries_only():
    def bitmap_scans() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_bitmapscan")
            return cursor.fetchone()[0]

    if not POSTGRESQL:
        with read_in_index_order():
            pass  # nothing to tell the other databases
        return
    with read_in_index_order():
        assert bitmap_scans() == "off"
    assert bitmap_scans() == "on"


@pytest.fixture
def posts_with_tokens(db):
    from tests.forums.factories import PostFactory

    return {tokens: PostFactory(tokens=tokens) for tokens in ("c1 t2", "t2 c3", "c13 t2", "t2")}


def test_without_tokens_leaves_out_rows_holding_any_of_them(posts_with_tokens):
    from forums.models import Post

    rows = without_tokens(
        Post.objects.filter(pk__in=[p.pk for p in posts_with_tokens.values()]), ["c1", "c3"]
    )
    assert sorted(post.tokens for post in rows) == ["c13 t2", "t2"]


def test_without_tokens_refuses_what_is_not_a_token(db):
    from forums.models import Post

    with pytest.raises(ValueError, match="not a token"):
        without_tokens(Post.objects.all(), ["c1|.*"])


def test_common_words_come_from_postgresql_statistics_and_are_empty_elsewhere(db, monkeypatch):
    from forums.models import Post
    from tests.forums.factories import PostFactory

    monkeypatch.setattr("core.search._COMMON_WORDS", {})
    for number in range(30):
        PostFactory(body=f"market note {number}", search_text=f"market note {number}")
    if not POSTGRESQL:
        assert common_words(Post) == {}
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Post._meta.db_table}")
    shares = common_words(Post)
    assert shares["market"] == pytest.approx(0.5, abs=0.05)  # the replies; each thread opens too
    assert "zeppelin" not in shares
