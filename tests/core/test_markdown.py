import re

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from core.markdown import render_markdown

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
