"""Forum factories: plain model writes, no services, so that bulk data for query-count tests is
cheap. Counters are kept as the services keep them (the thread's post count and last post time),
so that pages built on factory data read like pages built by members."""

from datetime import timedelta

import factory
from django.db.models import F
from django.utils import timezone

from forums.models import Category, Post, Tag, Thread
from tests.members.factories import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"test-category-{n}")
    name_en = factory.Sequence(lambda n: f"Test category {n}")
    name_fr = factory.Sequence(lambda n: f"Catégorie d'essai {n}")
    name_zh_hans = factory.Sequence(lambda n: f"测试版块{n}")
    description_en = "Where members compare notes."
    kind = Category.Kind.TOPIC
    restriction = Category.Restriction.NONE
    position = factory.Sequence(lambda n: n)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"tag{n}")


class ThreadFactory(factory.django.DjangoModelFactory):
    """A thread with its opening post (#1), written with `body`; `category` counts both."""

    class Meta:
        model = Thread
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"How do I open a bank account in Canada? ({n})")
    language = "en"

    @factory.post_generation
    def body(self, create, extracted, **kwargs):
        if not create:
            return
        text = extracted or "I am moving to Toronto next month and wonder where to start."
        Post.objects.create(
            thread=self,
            number=1,
            author=self.author,
            body=text,
            html=f"<p>{text}</p>",
            language=self.language,
            search_text=f"{self.title} {text}",
        )
        Category.objects.filter(pk=self.category_id).update(
            thread_count=F("thread_count") + 1,
            post_count=F("post_count") + 1,
            last_posted_at=self.last_posted_at,
        )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)
            Tag.objects.filter(pk__in=[tag.pk for tag in extracted]).update(
                thread_count=F("thread_count") + 1
            )


class PostFactory(factory.django.DjangoModelFactory):
    """A reply numbered after the thread's last post; the thread and its category count it."""

    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Reply {n}: the big five banks all have newcomer plans.")
    html = factory.LazyAttribute(lambda post: f"<p>{post.body}</p>")
    search_text = factory.LazyAttribute(lambda post: post.body)
    language = "en"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        thread = kwargs["thread"]
        now = timezone.now()
        Thread.objects.filter(pk=thread.pk).update(
            post_count=F("post_count") + 1, last_posted_at=now
        )
        thread.refresh_from_db(fields=["post_count", "last_posted_at"])
        kwargs.setdefault("number", thread.post_count)
        Category.objects.filter(pk=thread.category_id).update(
            post_count=F("post_count") + 1, last_posted_at=now
        )
        return super()._create(model_class, *args, **kwargs)


def pause_passes(author) -> None:
    """As if a minute had passed since ``author`` last posted: the pause between posts is over
    (their posts of the day still count towards the daily limits)."""
    Post.objects.filter(author=author).update(created_at=F("created_at") - timedelta(minutes=1))
