"""Browser journeys: Debian's Chromium, driven by pytest-playwright, against Django's live server.

A journey asks for the ``journey`` fixture and calls ``journey.step(name)`` on every page it
reaches: each step saves a full-page screenshot under the test's ``tmp_path`` and runs axe-core
(WCAG 2.0/2.1 A and AA). At teardown the journey fails if it reached a page it never checked, or if
the browser logged a JavaScript error or a Content-Security-Policy violation.

The journeys run last in a session: pytest-playwright keeps Playwright's event loop running in the
main thread from the first browser test to the end of the session, and Django's ORM refuses to run
while a loop is running unless DJANGO_ALLOW_ASYNC_UNSAFE is set, which it is for these tests only.
"""

from pathlib import Path
from urllib.parse import urldefrag

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Error, Frame, Page

from tests.e2e.locators import field
from tests.members.factories import PASSWORD

HERE = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
CALL_FAILED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config, items):
    """Mark the journeys in this folder ``e2e`` and move them after every other test."""
    journeys = [item for item in items if item.path.is_relative_to(HERE)]
    for item in journeys:
        item.add_marker(pytest.mark.e2e)
    items[:] = [item for item in items if not item.path.is_relative_to(HERE)] + journeys


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember whether the test body failed, so teardown does not pile a second error on it."""
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


@pytest.fixture(autouse=True, scope="session")
def _allow_django_in_playwright_loop():
    """Session-wide, so it is set before Playwright's loop starts and before any database set-up
    the journey's fixtures ask for; it is first needed when the first (of the last) tests runs."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(autouse=True)
def _journeys_see_the_seeded_data(seeded_transactional_db):
    pass


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.skip(f"browser journeys need Debian's Chromium at {CHROMIUM} (apt install chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """English by default; a test can change it with @pytest.mark.browser_context_args(locale=…)."""
    return {"locale": "en-US", **browser_context_args}


def page_url(url: str) -> str:
    return urldefrag(url).url


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' >> '.join(map(str, node['target']))}")
            summary = node.get("failureSummary") or ""
            lines.extend(f"      {line.strip()}" for line in summary.splitlines() if line.strip())
    return "\n".join(lines)


class Journey:
    """One visitor's way through the site, with a screenshot and an axe check at every step."""

    def __init__(self, page: Page, base_url: str, screenshots: Path):
        self.page = page
        self.base_url = base_url
        self.screenshots = screenshots
        self.steps = 0
        self.visited: dict[str, None] = {}  # an ordered set of the pages the journey reached
        self.checked: set[str] = set()
        self.browser_errors: list[str] = []
        page.on("framenavigated", self._on_navigation)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Page:
        self.page.goto(self.url(path))
        return self.page

    def log_in(self, email: str, password: str = PASSWORD) -> Page:
        """Through the log-in page, checked as a step, as a member would."""
        page = self.goto("/accounts/login/")
        field(page, "Email").fill(email)
        field(page, "Password").fill(password)
        self.step("login")
        page.get_by_role("button", name="Log in", exact=True).click()
        return page

    def step(self, name: str, *, third_party: tuple[str, ...] = ()) -> None:
        """Screenshot the current page and fail on any WCAG 2.1 A/AA violation axe finds.

        ``third_party`` names CSS selectors of markup the project does not write (e.g. Swagger
        UI's), left out of the check; say why at the call.
        """
        self.page.wait_for_load_state()
        self.steps += 1
        screenshot = self.screenshots / f"{self.steps:02d}-{name}.png"
        self.page.screenshot(path=screenshot, full_page=True)
        context = {"exclude": [[selector] for selector in third_party]} if third_party else None
        results = Axe().run(self.page, context=context, options=AXE_OPTIONS)
        self.checked.add(page_url(self.page.url))
        if results.violations_count:
            pytest.fail(
                f"axe found {results.violations_count} accessibility violation(s) at step "
                f"{name!r} ({self.page.url}, screenshot {screenshot}):\n"
                + describe_violations(results.response["violations"]),
                pytrace=False,
            )

    def unchecked_pages(self) -> list[str]:
        return [url for url in self.visited if url not in self.checked]

    def _on_navigation(self, frame: Frame) -> None:
        if frame == self.page.main_frame and frame.url.startswith(("http:", "https:")):
            self.visited.setdefault(page_url(frame.url))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            source = message.location.get("url") or self.page.url
            self.browser_errors.append(f"console error on {source}: {message.text}")

    def _on_page_error(self, error: Error) -> None:
        self.browser_errors.append(f"uncaught {error.name} on {self.page.url}: {error.message}")


@pytest.fixture
def journey(page, live_server, tmp_path, request):
    journey = Journey(page, live_server.url, tmp_path)
    yield journey
    problems = list(journey.browser_errors)
    if not request.node.stash.get(CALL_FAILED, False):
        problems += [
            f"page never checked with journey.step(): {url}" for url in journey.unchecked_pages()
        ]
    if problems:
        pytest.fail(
            f"the journey left problems (screenshots in {tmp_path}):\n"
            + "\n".join(f"- {problem}" for problem in problems),
            pytrace=False,
        )
