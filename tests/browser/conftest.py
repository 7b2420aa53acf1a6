"""Playwright driving Debian's Chromium against a live server, plus axe-core checks."""

import os
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def world(demo_site):
    """The reports' world (tests/reports/conftest.py), built by the journey itself: a browser
    test's data is committed for the live server, so it cannot share a module's transaction."""
    from ..reports.conftest import build_world

    return build_world()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


def in_combinations(*pairs: tuple[str, str]):
    """Run a journey in these (language, viewport) pairs only, not in all four. For journeys
    whose steps test_learner_journey also takes in every language and width (registration, a
    quiz): each language and each width is still seen once, and the suite keeps its time."""
    return pytest.mark.parametrize(("language", "viewport"), pairs)


# Reports every Content-Security-Policy violation of a document (and its frames) to the console.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => console.error(
  `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} on ${e.documentURI}`
  + ` (${e.sourceFile}:${e.lineNumber}) ${e.sample}`));
"""


@pytest.fixture
def page(request, browser, viewport, live_server):
    """A browser tab. In a module that sets ENFORCE_CSP, the site's Content-Security-Policy
    applies and any violation fails the test; axe-core is then injected as an init script,
    which no page policy blocks. Elsewhere the policy is bypassed (to inject axe-core)."""
    enforce_csp = getattr(request.module, "ENFORCE_CSP", False)
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], bypass_csp=not enforce_csp, base_url=live_server.url
    )
    violations = []
    if enforce_csp:
        context.add_init_script(script=CSP_LISTENER)
        if AXE.exists():
            context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if message.type == "error"
            and "Content Security Policy" in message.text
            or message.text.startswith("CSP violation")
            else None
        ),
    )
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def axe_violations(page) -> list[dict]:
    """WCAG 2.1 A and AA violations axe-core finds on the current page."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it with npm")
    if not page.evaluate("typeof window.axe !== 'undefined'"):  # not injected at start
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            });
            return result.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            }));
        }"""
    )


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def axe_on_report(page):
    """axe-core (WCAG 2.1 A/AA) on the project's own markup inside Wagtail's admin (a report),
    leaving Wagtail's own chrome to Wagtail."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it with npm")
    if not page.evaluate("typeof window.axe !== 'undefined'"):  # not injected at start
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
            const r = await axe.run(document.querySelector('main .nice-padding'), {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(
              v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target)}));
        }"""
    )
    assert violations == [], violations


def screenshot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def admin_log_in(page, user):
    """Log in to Wagtail's admin with the factories' password."""
    from ..elearning.factories import PASSWORD

    page.goto("/admin/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/admin/")


def say(language: str, message: str) -> str:
    """A UI string as the site (or Wagtail's admin) shows it in `language`."""
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(message)


def log_in(page, email, language="ro"):
    """Log in on the site with the factories' password; the home page follows."""
    from ..elearning.factories import PASSWORD

    page.goto(f"/{language}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"**/{language}/")
