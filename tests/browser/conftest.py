"""Browser journeys in Debian's Chromium through Playwright; axe-core checks every page."""

import os
import re
import shutil
from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

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
# Runs in every document and frame before its own scripts: each Content-Security-Policy
# violation the browser reports is kept in the page, for the visitor to read.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile || document.location.href}:${event.lineNumber}) ${event.sample}`
  );
}, true);
"""


# A window of 1280 CSS pixels: at 200 % zoom it is 640 CSS pixels wide, and 320 CSS pixels
# (WCAG 1.4.10, reflow) is what a 1280-pixel window shows at 400 %.
WINDOW = {"width": 1280, "height": 720}
ZOOM_200 = {"width": 640, "height": 360}
NARROW = {"width": 320, "height": 256}
# What a reader must still see and reach, in the page's main content, at any width.
LAYOUT_PROBLEMS = """
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`horizontal scroll: ${document.documentElement.scrollWidth}px for ${width}px`);
  }
  const selector = "main a[href], main button, main input:not([type=hidden]), main select, " +
    "main textarea, main h1, main h2, main p, main td, main th, main label";
  let shown = 0;
  for (const element of document.querySelectorAll(selector)) {
    const aside = "[hidden], template, dialog:not([open]), .fr-sr-only, " +
      ".fr-collapse:not(.fr-collapse--expanded)";
    if (element.closest(aside)) continue;
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (style.display === "none" || style.visibility === "hidden" || box.width === 0) continue;
    shown += 1;
    if (box.right > width + 1 || box.left < -1) {
      const name = element.textContent.trim().slice(0, 40);
      problems.push(`${element.tagName.toLowerCase()} "${name}" runs out of the page ` +
        `(${Math.round(box.left)}–${Math.round(box.right)}px)`);
    }
  }
  return { problems, shown };
}
"""


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


ENROLMENT_LINK = re.compile(r"https?://[^/\s]+(/compte/double-authentification/activer/\S+/)")


def enrolment_link(email: str) -> str:
    """The path of the last second-factor enrolment link e-mailed to this address."""
    for message in reversed(mail.outbox):
        found = ENROLMENT_LINK.search(message.body)
        if email in message.to and found:
            return found.group(1)
    raise AssertionError(f"No enrolment link was sent to {email}")


class Visitor:
    """A person in the browser; each page they reach is checked for accessibility and
    for the Content-Security-Policy (sent, and never violated)."""

    axe = Axe()

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.csp_problems: list[str] = []
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        page.on("console", self._record_csp_message)
        page.on("response", self._record_missing_csp)

    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        self.check_accessibility()
        self.check_content_security_policy()
        return self.page

    def click(self, name: str, role: str = "button"):
        """Click a button or link and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=True).first.click()
        self.check_accessibility()
        self.check_content_security_policy()
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
        """Sign in; DAECT staff then type the code their authenticator app would show."""
        self.goto("/compte/connexion/")
        self.page.get_by_label("Adresse électronique").fill(email)
        self.page.get_by_label("Mot de passe").fill(password)
        page = self.click("Se connecter")
        if "/compte/double-authentification/activer/" in page.url:
            # First, the link e-mailed to the agent proves they own the mailbox.
            self.goto(enrolment_link(email))
            secret = page.locator("#otp-secret").inner_text().replace(" ", "")
            self._submit_code(authenticator_code(b32decode(secret + "=" * (-len(secret) % 8))))
            # The backup codes, shown once, then on to the page first asked for.
            with self.page.expect_navigation():
                self.page.locator("main a.fr-btn").first.click()
        elif "/compte/double-authentification/" in page.url:
            self._submit_code(next_unused_code(email))
        return self.page

    def _submit_code(self, code: str) -> None:
        self.page.locator("#id_code").fill(code)
        with self.page.expect_navigation():
            self.page.locator("main [type=submit]").first.click()
        self.check_accessibility()
        self.check_content_security_policy()

    def check_accessibility(self) -> None:
        # The Django admin is DAECT's back office, outside the State design system.
        if "/admin/" in self.page.url:
            return
        results = self.axe.run(self.page, options=WCAG_AA)
        assert results.violations_count == 0, (
            f"Accessibility violations on {self.page.url}:\n{results.generate_report()}"
        )

    def check_zoom_and_reflow(self) -> None:
        """The page at 200 % zoom (axe again) and 320 pixels wide: no horizontal scroll,
        nothing of the main content cut off or hidden that the full width shows."""
        full = self.page.evaluate(LAYOUT_PROBLEMS)
        try:
            for size, with_axe in ((ZOOM_200, True), (NARROW, False)):
                self.page.set_viewport_size(size)
                found = self.page.evaluate(LAYOUT_PROBLEMS)
                assert not found["problems"], (
                    f"At {size['width']}px on {self.page.url}:\n" + "\n".join(found["problems"])
                )
                assert found["shown"] >= full["shown"], (
                    f"At {size['width']}px on {self.page.url}, {full['shown'] - found['shown']} "
                    "elements of the main content are hidden."
                )
                if with_axe:
                    self.check_accessibility()
        finally:
            self.page.set_viewport_size(WINDOW)

    def _record_csp_message(self, message) -> None:
        # Chromium also writes each violation to the console ("Refused to …"); this catches
        # one reported just before the page was left, whose event went with the page.
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            self.csp_problems.append(f"{message.location.get('url')}: {message.text}")

    def _record_missing_csp(self, response) -> None:
        # A page sent without the policy would pass the check below without being protected.
        is_page = (
            response.request.is_navigation_request() and response.frame == self.page.main_frame
        )
        if is_page and "content-security-policy" not in response.headers:
            self.csp_problems.append(f"{response.url}: no Content-Security-Policy header")

    def check_content_security_policy(self) -> None:
        """No page, the Django admin's included, breaks the Content-Security-Policy."""
        # A zero delay lets the browser dispatch the violation events it has queued; each
        # violation is taken out of the page so that it is reported once.
        reported = self.page.evaluate(
            """() => new Promise((done) => setTimeout(
              () => done((window.__cspViolations || []).splice(0))
            ))"""
        )
        problems = self.csp_problems + [f"{self.page.url}: {text}" for text in reported]
        self.csp_problems = []
        assert not problems, "Content-Security-Policy violations:\n" + "\n".join(problems)


def authenticator_code(key: bytes, at_step: int | None = None) -> str:
    """The six digits an authenticator app shows for `key` (now, or at time step `at_step`)."""
    totp = TOTP(key)
    if at_step is not None:
        totp.time = at_step * totp.step
    return f"{totp.token():06d}"


def next_unused_code(email: str) -> str:
    """The code of the person's app that the portal has not yet seen.

    A code is accepted once: a journey that signs in twice within 30 seconds gives the
    next period's code, which the portal accepts too (one step of clock tolerance).
    """
    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    if device.last_t >= now + device.tolerance:
        # A third sign-in within the same 30 seconds: no test waits for the clock.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=now - 1)
        device.last_t = now - 1
    return authenticator_code(device.bin_key, max(now, device.last_t + 1))


@pytest.fixture
def visitor(browser, live_server, transactional_db):
    # Reduced motion: the design system then opens its modals without a fade, so axe reads
    # their final colours (a person who asked for less motion sees the same).
    context = browser.new_context(locale="fr-FR", viewport=WINDOW, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    visitor = Visitor(page, live_server.url)
    yield visitor
    try:
        # Pages reached without goto() or click() are checked too, at the end of the journey.
        visitor.check_content_security_policy()
    finally:
        context.close()


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)
