"""Every entry of the hostile Markdown corpus, rendered as a post, in real Chromium under the site's
real Content-Security-Policy: nothing runs, nothing opens a dialog, nothing loads from another
origin, however the reader moves the mouse over it or clicks it.

The page is served at the live server's own origin (Playwright answers one path there), inside a
minimal copy of the site's layout (its stylesheet and htmx, which would act on smuggled hx-*
attributes) and with the CSP header copied from a real response of the live server. Requests
to any other origin are recorded and aborted, so a failure never reaches the network.
"""

from urllib.parse import urlsplit

from django.template import Context, Template
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt
from playwright.sync_api import ConsoleMessage, Dialog, Page, Request, Route

from core.markdown import render_post
from tests.core.hostile_markdown import CORPUS, hostile_people

PATH = "/__hostile-markdown__/"
TITLE = "Hostile Markdown · KnowBridge"
LAYOUT = Template(
    """{% load static django_htmx %}<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="htmx-config" content='{"includeIndicatorStyles": false}'>
  <title>{{ title }}</title>
  <link rel="stylesheet" href="{% static 'css/site.css' %}">
  {% htmx_script %}
</head>
<body>
  <div class="container layout">
    <main id="main">
      <h1>Hostile Markdown</h1>
      {% for name, html in posts %}
        <article class="post" data-entry="{{ name }}"><h2>{{ name }}</h2>{{ html }}</article>
      {% endfor %}
    </main>
  </div>
</body>
</html>"""
)

# Run in the page after the sweep: what the browser built from the posts, not what we sent.
INSPECT = """() => {
  const main = document.querySelector("main");
  const found = [];
  for (const element of main.querySelectorAll("*")) {
    const tag = element.tagName.toLowerCase();
    if (!ALLOWED.includes(tag)) found.push(`tag ${tag}`);
    for (const attribute of element.getAttributeNames()) {
      if (attribute.startsWith("on") || attribute === "style" || attribute.startsWith("hx-"))
        found.push(`${tag}[${attribute}]`);
    }
  }
  for (const link of main.querySelectorAll("a[href]")) {
    if (!["http:", "https:", "mailto:"].includes(link.protocol)) found.push(`link ${link.href}`);
  }
  for (const image of main.querySelectorAll("img")) {
    if (new URL(image.src).origin !== location.origin) found.push(`image ${image.src}`);
  }
  return found;
}""".replace(
    "ALLOWED",
    repr(
        [
            *("h1", "h2", "article", "p", "br", "hr", "strong", "em", "del", "s", "code", "pre"),
            *("blockquote", "img", "ul", "ol", "li", "h3", "h4", "h5", "h6", "a", "table"),
            *("thead", "tbody", "tr", "th", "td"),
        ]
    ),
)

# Synthetic events on every element reach whatever a handler could listen to; links are not
# clicked (following one is the reader's choice, and their URLs are checked above).
PROVOKE = """() => {
  const kinds = ["mouseover", "mouseenter", "mousemove", "mousedown", "mouseup", "focus",
                 "focusin", "pointerover", "pointerdown", "animationstart", "transitionend"];
  for (const element of document.querySelectorAll("main *")) {
    for (const kind of kinds) element.dispatchEvent(new Event(kind, {bubbles: true}));
    if (!element.closest("a")) element.click();
  }
}"""

CANARY = "() => ({pwned: window.__pwned, title: document.title})"


def real_csp(page: Page, base_url: str) -> str:
    response = page.goto(base_url + "/")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    return policy


def sweep_the_mouse(page: Page) -> None:
    """A reader's mouse over the whole page, a screen at a time in rows across every post, and
    resting on each image and mention (synthetic events in PROVOKE reach every other element)."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    page_height = page.evaluate("document.documentElement.scrollHeight")
    for top in range(0, page_height, height):
        page.evaluate(f"window.scrollTo(0, {top})")
        for y in range(0, height, 60):
            page.mouse.move(0, y)
            page.mouse.move(width - 1, y, steps=3)
    for element in page.locator("main img, main a.mention").all():
        element.hover()


def click_every_heading(page: Page) -> None:
    """A real click inside every post (on its heading: a click on a link would leave the page)."""
    for heading in page.locator("article.post > h2").all():
        heading.click()


class Watched:
    """A page at the live server's origin, serving `posts` with the site's real CSP, and what
    the browser did on it: requests to other origins, dialogs, CSP refusals, uncaught errors."""

    def __init__(self, page: Page, origin: str, posts: list[tuple[str, str]]):
        self.page = page
        self.origin = origin
        self.policy = real_csp(page, origin)
        self.body = LAYOUT.render(Context({"title": TITLE, "posts": posts}))
        self.off_site: list[str] = []
        self.dialogs: list[str] = []
        self.refusals: list[str] = []
        self.errors: list[str] = []
        # Playwright tries the last route registered first.
        page.route("**/*", self._leave_nothing_off_site)
        page.route(origin + PATH, self._serve_the_posts)
        page.on("request", self._on_request)
        page.on("dialog", self._on_dialog)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"{error.name}: {error.message}"))

    def open(self) -> Page:
        response = self.page.goto(self.origin + PATH)
        assert response.headers["content-security-policy"] == self.policy
        self.page.wait_for_load_state("networkidle")
        return self.page

    def canary(self) -> dict:
        return self.page.evaluate(CANARY)

    def inspect(self) -> list[str]:
        return self.page.evaluate(INSPECT)

    def _is_off_site(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" != self.origin

    def _leave_nothing_off_site(self, route: Route) -> None:
        if self._is_off_site(route.request.url):
            route.abort()
        else:
            route.continue_()

    def _serve_the_posts(self, route: Route) -> None:
        headers = {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": self.policy,
        }
        route.fulfill(status=200, headers=headers, body=self.body)

    def _on_request(self, request: Request) -> None:
        if self._is_off_site(request.url):
            self.off_site.append(request.url)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.refusals.append(message.text)


def test_hostile_markdown_is_inert_in_chromium(page: Page, live_server):
    posts = [
        (name, render_post(text, mentions=hostile_people).html) for name, text in CORPUS.items()
    ]
    watched = Watched(page, live_server.url, posts)
    watched.open()
    assert page.locator("article.post").count() == len(CORPUS)

    sweep_the_mouse(page)
    click_every_heading(page)
    page.evaluate(PROVOKE)
    page.keyboard.press("Tab")
    page.wait_for_load_state("networkidle")

    assert page.url == live_server.url + PATH
    assert watched.canary() == {"pwned": None, "title": TITLE}
    assert watched.inspect() == []
    assert watched.off_site == []
    assert watched.dialogs == []
    assert watched.refusals == [], "the CSP had to stop something the sanitiser let through"
    assert watched.errors == []
    # Markup in a display name and raw HTML in a post are there to read, as text.
    mention = page.locator('[data-entry="mention-markup-in-display-name"] a.mention').first
    assert mention.inner_text() == '@<img src=x onerror="window.__pwned=1">'
    assert "<script>window.__pwned=1;" in page.locator('[data-entry="script-plain"]').inner_text()


def test_the_check_sees_what_an_unsanitised_post_would_do(page: Page, live_server):
    """The control: the same payloads through markdown-it with raw HTML on and no nh3. The
    watch must notice the beacon and the refused inline code, or the test above proves nothing."""
    raw = MarkdownIt("commonmark", {"html": True})
    names = ["img-onerror", "script-plain", "style-attribute", "image-offsite", "link-javascript"]
    posts = [(name, mark_safe(raw.render(CORPUS[name]))) for name in names]  # noqa: S308
    posts.append(("beacon", mark_safe('<img alt="" src="https://evil.example/beacon.png">')))
    watched = Watched(page, live_server.url, posts)
    watched.open()
    page.evaluate(PROVOKE)

    assert "https://evil.example/beacon.png" in watched.off_site
    assert watched.refusals, "the real CSP stops inline code and styles"
    assert watched.canary() == {"pwned": None, "title": TITLE}  # ... so nothing ran here either
    found = watched.inspect()
    assert "img[onerror]" in found
    assert "tag script" in found
    assert "p[style]" in found
