"""Browser journeys in Debian's Chromium through Playwright; axe-core checks every page."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the
# tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("EXPECT_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: the browser tests must run here.")
        pytest.skip(f"{CHROMIUM} is missing (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visitor:
    """A person in the browser; each page they reach is checked for accessibility."""

    axe = Axe()

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url

    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        self.check_accessibility()
        return self.page

    def click(self, name: str, role: str = "button"):
        """Click a button or link and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=True).first.click()
        self.check_accessibility()
        return self.page

    def admin_action(self, path: str, selection: str | int, action: str):
        """In an admin list, tick the row showing `selection` (text, or the object's pk) and
        run `action`."""
        self.goto(path)
        if isinstance(selection, int):
            self.page.locator(f'input.action-select[value="{selection}"]').check()
        else:
            row = self.page.locator("#result_list tr", has_text=selection)
            row.locator("input.action-select").check()
        self.page.locator("select[name=action]").select_option(label=action)
        return self.click("Envoyer")

    def sign_out(self):
        """Sign out from the portal's header, wherever the person is (even in the admin)."""
        if "/admin/" in self.page.url:
            self.goto("/")
        return self.click("Se déconnecter")

    def sign_in(self, email: str, password: str):
        self.goto("/compte/connexion/")
        self.page.get_by_label("Adresse électronique").fill(email)
        self.page.get_by_label("Mot de passe").fill(password)
        return self.click("Se connecter")

    def check_accessibility(self) -> None:
        # The Django admin is DAECT's back office, outside the State design system.
        if "/admin/" in self.page.url:
            return
        results = self.axe.run(self.page, options=WCAG_AA)
        assert results.violations_count == 0, (
            f"Accessibility violations on {self.page.url}:\n{results.generate_report()}"
        )


@pytest.fixture
def visitor(browser, live_server, transactional_db):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Visitor(page, live_server.url)
    context.close()


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)
