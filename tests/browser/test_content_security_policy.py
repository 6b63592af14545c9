"""The Content-Security-Policy holds in the browser, and the visitor notices when it does not.

Every journey's visitor fails on any violation; these tests show that the check is real:
an injected inline script or style is refused by the browser, and reported.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from expect.accounts.models import User

INJECT_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injected = true;";
  document.body.append(script);
}"""
INJECT_STYLE = """() => document.querySelector("h1").setAttribute("style", "color: red")"""
INJECT_HANDLER = """() => {
  const button = document.createElement("button");
  button.setAttribute("onclick", "window.injected = true;");
  document.body.append(button);
  button.click();
}"""


@pytest.mark.parametrize(
    ("injection", "directive"),
    [(INJECT_SCRIPT, "script-src"), (INJECT_HANDLER, "script-src"), (INJECT_STYLE, "style-src")],
    ids=["inline script", "inline event handler", "inline style"],
)
def test_an_injected_inline_script_or_style_is_refused_and_reported(visitor, injection, directive):
    page = visitor.goto("/catalogue/")
    page.evaluate(injection)
    assert page.evaluate("() => window.injected") is None
    with pytest.raises(AssertionError, match=directive):
        visitor.check_content_security_policy()


def admin_pages(user) -> list[str]:
    """The list, the first object's form and the add form of every model of the back office
    that this user may see."""
    request = RequestFactory().get("/admin/")
    request.user = user
    paths = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        app, name = model._meta.app_label, model._meta.model_name
        if not model_admin.has_view_permission(request):
            continue
        paths.append(reverse(f"admin:{app}_{name}_changelist"))
        if first := model._default_manager.order_by("pk").first():
            paths.append(reverse(f"admin:{app}_{name}_change", args=[first.pk]))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"admin:{app}_{name}_add"))
    return paths


@pytest.mark.usefixtures("demo")
def test_daect_goes_through_the_whole_admin_without_a_violation(visitor):
    email = f"daect@{DEMO_DOMAIN}"
    visitor.sign_in(email, DEMO_PASSWORD)
    for path in admin_pages(User.objects.get(email=email)):
        page = visitor.goto(path)
        assert page.url.endswith(path), f"{path} led to {page.url}"
        assert page.locator("#site-name").count() == 1, path
