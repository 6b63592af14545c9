"""The URLconf only routes: importing it never touches the admin registry.

runserver's autoreloader imports the URLconf in one thread while the system checks
iterate over the admin registry in another; an (un)registration at import time made
the check die with "dictionary changed size during iteration" and `make run` with it.
"""

import importlib
import threading

from django.contrib import admin
from django.core import checks
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

import expect.urls


class FrozenRegistry(dict):
    """The admin registry, refusing any change while the URLconf is imported."""

    def _refuse(self, *args, **kwargs):
        raise AssertionError("The URLconf changed the admin registry while it was imported.")

    __setitem__ = __delitem__ = pop = popitem = clear = update = setdefault = _refuse


def test_it_never_shows_the_second_factor_devices_in_the_admin():
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_importing_the_urlconf_leaves_the_admin_registry_alone(monkeypatch):
    registry = dict(admin.site._registry)
    # Were the device admins still registered, an import-time unregister would show.
    registry[TOTPDevice] = admin.ModelAdmin(TOTPDevice, admin.site)
    monkeypatch.setattr(admin.site, "_registry", FrozenRegistry(registry))

    importlib.reload(expect.urls)

    assert TOTPDevice in admin.site._registry


def test_the_checks_pass_while_another_thread_imports_the_urlconf(monkeypatch):
    registry = dict(admin.site._registry)
    registry[TOTPDevice] = admin.ModelAdmin(TOTPDevice, admin.site)
    monkeypatch.setattr(admin.site, "_registry", FrozenRegistry(registry))
    errors: list[BaseException] = []

    def import_urlconf():
        try:
            for _ in range(20):
                importlib.reload(expect.urls)
        except BaseException as error:  # reported by the main thread below
            errors.append(error)

    thread = threading.Thread(target=import_urlconf)
    thread.start()
    problems = checks.run_checks(tags=[checks.Tags.admin, checks.Tags.urls])
    thread.join()

    assert errors == []
    assert [p for p in problems if p.is_serious()] == []
