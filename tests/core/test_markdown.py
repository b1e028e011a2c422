import re
import time
from dataclasses import FrozenInstanceError
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from core.markdown import Rendered, is_same_site_path, render_markdown, render_post
from tests.core.hostile_markdown import CORPUS, hostile_people

REL = 'rel="nofollow noopener ugc"'


def test_paragraphs_and_emphasis():
    html = render_markdown("Hello **bold** and *soft* and `code`.")
    assert html == "<p>Hello <strong>bold</strong> and <em>soft</em> and <code>code</code>.</p>\n"
    assert isinstance(html, SafeString)


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_blank_text_gives_an_empty_string(text):
    assert render_markdown(text) == ""


def test_raw_html_is_shown_as_text_never_as_markup():
    html = render_markdown(
        '<script>alert("x")</script>\n\n<img src=x onerror=alert(1)> <b onclick="x()">b</b>'
    )
    assert "<script" not in html
    assert "<img" not in html
    assert "<b" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_no_event_handler_attributes_survive():
    html = render_markdown(
        '[x](https://example.org "t" onmouseover=alert(1)) <a onclick=y>z</a>\n\n'
        '[y](https://example.org" onmouseover="alert(1))'
    )
    tags = re.findall(r"<[^>]*>", html)
    assert tags
    assert not [tag for tag in tags if " on" in tag]


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1) )",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "<javascript:alert(1)>",
        "[x](/relative/path)",
    ],
)
def test_only_http_https_and_mailto_links_become_links(link):
    html = render_markdown(link)
    assert "<a" not in html
    assert "href" not in html


def test_links_get_rel_nofollow():
    html = render_markdown(
        "[site](https://example.org/a?b=1) <http://example.com> [m](mailto:a@b.c)"
    )
    assert f'<a href="https://example.org/a?b=1" {REL}>site</a>' in html
    assert f'<a href="http://example.com" {REL}>http://example.com</a>' in html
    assert f'<a href="mailto:a@b.c" {REL}>m</a>' in html


def test_link_titles_stay_but_no_other_attributes():
    html = render_markdown('[x](https://example.org "A title")')
    assert html == f'<p><a href="https://example.org" title="A title" {REL}>x</a></p>\n'


def test_images_are_not_embedded_but_their_text_stays():
    html = render_markdown("![a cat](https://example.org/cat.png)")
    assert "<img" not in html
    assert "a cat" in html


def test_headings_are_shifted_under_the_page_headings():
    html = render_markdown("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six")
    assert "<h1>" not in html
    assert "<h2>" not in html
    assert "<h3>One</h3>" in html
    assert "<h4>Two</h4>" in html
    assert "<h5>Three</h5>" in html
    assert "<h6>Four</h6>" in html
    assert "<h6>Six</h6>" in html


def test_tables_work_without_inline_styles():
    html = render_markdown("| Ville | 城市 |\n|:--|--:|\n| Montréal | 多伦多 |")
    assert "<table>" in html
    assert "<th>Ville</th>" in html
    assert "<td>多伦多</td>" in html
    assert "style" not in html


def test_lists_quotes_code_blocks_rules_and_strikethrough():
    html = render_markdown(
        "- a\n- b\n\n3. c\n\n> quoted\n\n```python\nx = '<b>'\n```\n\n---\n\n~~gone~~"
    )
    assert "<ul>\n<li>a</li>" in html
    assert '<ol start="3">' in html
    assert "<blockquote>" in html
    assert "<pre><code>x = '&lt;b&gt;'\n</code></pre>" in html
    assert "class" not in html
    assert "<hr>" in html
    assert "<s>gone</s>" in html


def test_chinese_and_french_pass_through():
    html = render_markdown("多伦多的**金融科技**创业公司 — à Montréal, « déjà ».")
    assert html == "<p>多伦多的<strong>金融科技</strong>创业公司 — à Montréal, « déjà ».</p>\n"


def test_template_filter():
    template = Template("{% load markdown %}{{ body|markdown }}")
    html = template.render(Context({"body": "# Title\n\n<i>x</i> **y**"}))
    assert html == "<h3>Title</h3>\n<p>&lt;i&gt;x&lt;/i&gt; <strong>y</strong></p>\n"
    assert Template("{% load markdown %}{{ body|markdown }}").render(Context({"body": None})) == ""


# Posts and private messages: render_post


def people(handles):
    known = {"mei2345678": ("Mei Chen", "/members/mei2345678/"), "li23456789": ("Li", "/m/li/")}
    return {handle: known[handle] for handle in handles if handle in known}


class Markup(HTMLParser):
    """Every tag and attribute a browser would build from the HTML, entities decoded."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def values(self, tag_name: str, attribute: str) -> list[str]:
        return [
            attrs[attribute] for tag, attrs in self.tags if tag == tag_name and attribute in attrs
        ]


POST_TAGS = {
    *("p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote", "img"),
    *("ul", "ol", "li", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td"),
}
POST_ATTRIBUTES = {
    "a": {"href", "title", "rel", "class"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "ol": {"start"},
}
# What a browser ignores when it reads a URL's scheme: C0 controls, space, tab and newline.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


def same_site(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_markdown_comes_out_inert(name):
    rendered = render_post(CORPUS[name], mentions=hostile_people)
    html = rendered.html
    assert isinstance(html, SafeString)
    lowered = html.lower()
    for tag in ("<script", "<svg", "<math", "<style", "<iframe", "<object", "<embed", "<form"):
        assert tag not in lowered
    for tag in ("<input", "<button", "<meta", "<base", "<link", "<video", "<details", "<div"):
        assert tag not in lowered
    markup = Markup(html)
    for tag, attrs in markup.tags:
        assert tag in POST_TAGS, tag
        assert set(attrs) <= POST_ATTRIBUTES.get(tag, set()), (tag, attrs)
        assert not [attribute for attribute in attrs if attribute.startswith("on")]
        assert "style" not in attrs
    for url in markup.values("a", "href") + markup.values("img", "src"):
        scheme = IGNORED_IN_SCHEME.sub("", url).lower()
        assert not scheme.startswith(("javascript:", "vbscript:", "data:", "file:")), url
        assert scheme.startswith(("http://", "https://", "mailto:")) or same_site(url), url
    for src in markup.values("img", "src"):
        assert same_site(src), src
    for classes in markup.values("a", "class"):
        assert classes == "mention"
    for classes in markup.values("code", "class"):
        assert re.fullmatch(r"language-[a-z0-9+#_-]+", classes)
    assert "\x00" not in rendered.text


# Processor time, not wall time: the guard is against work that explodes with the input
# (backtracking, quadratic nesting), not against a busy machine pausing the test (CI once took
# 1.07 s of wall time for a render that costs 0.07 s of processor time).
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_markdown_renders_quickly(name):
    started = time.process_time()
    render_post(CORPUS[name], mentions=hostile_people)
    assert time.process_time() - started < 1


def test_the_corpus_covers_enough_attacks():
    assert len(CORPUS) >= 40


def test_deep_nesting_returns_quickly_without_recursion_errors():
    for text in (">" * 100_000, "[" * 30_000, "- " * 10_000 + "x", "*" * 30_000 + "x"):
        started = time.process_time()
        rendered = render_post(text)
        assert time.process_time() - started < 3
        assert rendered.html.count("<blockquote>") <= 20


def test_a_post_renders_like_a_bio_with_rel_on_links():
    rendered = render_post("# Title\n\nHello **bold** [site](https://example.org/a?b=1)")
    assert rendered.html == (
        "<h3>Title</h3>\n"
        f'<p>Hello <strong>bold</strong> <a href="https://example.org/a?b=1" {REL}>site</a></p>\n'
    )
    assert isinstance(rendered.html, SafeString)


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", None, "\u202e"])
def test_a_blank_post_renders_as_nothing(text):
    assert render_post(text) == Rendered(html="", text="", links=0, images=0, mentions=[])


def test_fenced_code_keeps_its_language_as_a_class():
    html = render_post("```Python\nx = '<b>'\n```\n\n```\nplain\n```").html
    assert "<pre><code class=\"language-python\">x = '&lt;b&gt;'\n</code></pre>" in html
    assert "<pre><code>plain\n</code></pre>" in html


@pytest.mark.parametrize(
    "info", ['python" onclick="x', "python{.evil}", "py thon", "x" * 40, "<b>", "language-x y"]
)
def test_a_code_language_outside_the_pattern_gives_no_class_or_its_first_word(info):
    html = render_post(f"```{info}\ncode\n```").html
    classes = Markup(html).values("code", "class")
    assert all(re.fullmatch(r"language-[a-z0-9+#_-]{1,32}", value) for value in classes)
    assert "onclick" not in html


def test_links_are_counted_and_only_safe_ones_stay_links():
    rendered = render_post(
        "[a](https://example.org) <http://example.com> [m](mailto:a@b.c) [p](/forums/t/1/) "
        "[j](javascript:alert(1)) [r](//evil.example/) https://bare.example"
    )
    hrefs = Markup(rendered.html).values("a", "href")
    assert hrefs == [
        "https://example.org",
        "http://example.com",
        "mailto:a@b.c",
        "/forums/t/1/",
        "https://bare.example",
    ]
    assert rendered.html.count(REL) == 5
    assert rendered.links == 7
    assert "j r https://bare.example" in rendered.text


def test_addresses_written_out_become_links_and_count_as_links():
    rendered = render_post("Read https://www.gov.cn/zhengce/ then ask on Alibaba.com or me@x.cn.")
    assert rendered.html == (
        '<p>Read <a href="https://www.gov.cn/zhengce/" rel="nofollow noopener ugc">'
        "https://www.gov.cn/zhengce/</a> then ask on Alibaba.com or me@x.cn.</p>\n"
    )
    assert rendered.links == 1


def test_addresses_in_code_and_unsafe_schemes_are_not_linked():
    rendered = render_post("`https://example.com` and javascript://example.com/%0aalert(1)")
    assert "<a" not in rendered.html
    assert rendered.links == 0


def test_same_site_images_stay_and_others_become_links_or_text():
    rendered = render_post(
        "![cat](/media/cat.png) ![tracker](https://evil.example/pixel.png) "
        "![x](//evil.example/x.png) ![](https://example.org/y.png) ![bad](javascript:alert(1))"
    )
    markup = Markup(rendered.html)
    assert markup.values("img", "src") == ["/media/cat.png"]
    assert markup.values("a", "href") == [
        "https://evil.example/pixel.png",
        "https://example.org/y.png",
    ]
    assert rendered.images == 5
    assert rendered.links == 0
    assert "bad" in rendered.text


def test_new_members_images_become_links_but_are_still_counted():
    rendered = render_post(
        "![cat](/media/cat.png) ![x](https://example.org/x.png)", allow_images=False
    )
    assert "<img" not in rendered.html
    assert Markup(rendered.html).values("a", "href") == [
        "/media/cat.png",
        "https://example.org/x.png",
    ]
    assert rendered.images == 2


def test_an_image_inside_a_link_never_makes_a_link_inside_a_link():
    html = render_post("[![x](https://example.org/x.png)](https://example.org/page)").html
    assert html.count("<a ") == 1


def test_mentions_link_to_members_that_exist():
    rendered = render_post(
        "Thanks @mei2345678 and @nobody2345, again @mei2345678; cc @li23456789.",
        mentions=people,
    )
    assert rendered.mentions == ["mei2345678", "nobody2345", "li23456789"]
    assert (
        f'<a href="/members/mei2345678/" class="mention" {REL}>@Mei Chen</a> and @nobody2345'
        in rendered.html
    )
    assert rendered.html.count('class="mention"') == 3
    assert rendered.text == "Thanks @Mei Chen and @nobody2345, again @Mei Chen; cc @Li."
    assert rendered.links == 0


def test_the_mentions_callable_is_asked_once_with_every_handle():
    calls = []

    def spy(handles):
        calls.append(handles)
        return {}

    render_post("@abc2345678 @def2345678\n\n> @abc2345678 @ghj2345678", mentions=spy)
    assert calls == [["abc2345678", "def2345678", "ghj2345678"]]
    render_post("no handles here, me@example.org", mentions=spy)
    assert len(calls) == 1


def test_mentions_in_code_links_and_addresses_are_not_mentions():
    rendered = render_post(
        "`@mei2345678` [@mei2345678](https://example.org) <https://x.org/@mei2345678> "
        "me@mei2345678.org\n\n```\n@mei2345678\n```\n\n    @mei2345678\n\n"
        "![@mei2345678](/a.png)",
        mentions=people,
    )
    assert rendered.mentions == []
    assert 'class="mention"' not in rendered.html


def test_without_a_callable_mentions_are_found_but_stay_text():
    rendered = render_post("Hi @mei2345678")
    assert rendered.mentions == ["mei2345678"]
    assert rendered.html == "<p>Hi @mei2345678</p>\n"


def test_display_names_are_escaped_and_unsafe_profile_urls_are_not_linked():
    rendered = render_post(
        "@imgnamezzz @scriptname @quotename2 @badurl2345 @offsite234", mentions=hostile_people
    )
    html = rendered.html
    assert '<a href="/members/imgnamezzz/" class="mention" ' in html
    assert '>@&lt;img src=x onerror="window.__pwned=1"&gt;</a>' in html
    assert "&lt;/a&gt;&lt;script&gt;" in html
    assert Markup(html).values("a", "href") == [
        "/members/imgnamezzz/",
        "/members/scriptname/",
        "/members/quotename2/",
    ]
    assert "@badurl2345 @offsite234" in html


def test_plain_text_follows_the_blocks_without_markup():
    rendered = render_post(
        "# Title\n\nSome *soft* [link](https://example.org) and `code`.\n\n"
        "- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```py\nprint('<x>')\n```\n\n"
        "> quoted  \n> line\n\n![alt text](/a.png) <b>raw</b>"
    )
    assert rendered.text == (
        "Title\n\nSome soft link and code.\n\none\ntwo\n\na b\n1 2\n\nprint('<x>')\n\n"
        "quoted\nline\n\nalt text <b>raw</b>"
    )


def test_nul_bytes_and_direction_overrides_do_not_reach_the_output():
    rendered = render_post("a\x00b \u202eexe.txt\u202c \u2067x\u2069")
    assert "\x00" not in rendered.html + rendered.text
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", rendered.html + rendered.text)
    assert rendered.text == "a\ufffdb exe.txt x"


def test_the_rendered_post_is_frozen():
    rendered = render_post("x")
    with pytest.raises(FrozenInstanceError):
        rendered.html = "<script>"


@pytest.mark.parametrize("url", ["/a.png", "/media/x/y.png?v=1#top", "/a%20b.png", "/"])
def test_same_site_paths(url):
    assert is_same_site_path(url)


@pytest.mark.parametrize(
    "url",
    [
        *("//evil.example/x.png", "/\\evil.example", "\\\\evil.example", "/%5Cevil.example"),
        *("/%09/evil.example", "/\t/evil.example", "/\n/evil.example", "/a b.png", "/%00"),
        *("https://example.org/a.png", "a.png", "./a.png", "", "javascript:alert(1)"),
        *("/a.png\u202e", "/ａ.png"),
    ],
)
def test_other_hosts_and_tricks_are_not_same_site_paths(url):
    assert not is_same_site_path(url)
