"""Demo data: the README's accounts and a showcase of the programme; `--scale N` adds
the national volume for N collectivities (36,000: 5,000 labels, 40,000 needs, 20,000
published reports) for benchmarks.

Each app contributes its own demo data in a `demo.py` module with `seed()` and
`seed_scale(n)` functions, called in the order of INSTALLED_APPS, so that the
domain apps add their objects without `expect.core` importing them (their shared
helpers are `expect.core.demo` and the French corpus `expect.core.demo_texts`).
Both are idempotent: a second run creates nothing more.
"""

import io
from time import perf_counter

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.module_loading import import_string


def _demo_modules():
    for config in apps.get_app_configs():
        try:
            yield import_string(f"{config.name}.demo.seed").__module__
        except ImportError:
            continue


class Command(BaseCommand):
    help = "Create the demo accounts and the showcase (idempotent); --scale N adds volume."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="also generate N collectivities and their objects",
        )

    def handle(self, *args, scale: int, verbosity: int = 1, **options) -> None:
        self.verbosity = verbosity
        modules = [__import__(name, fromlist=["seed"]) for name in _demo_modules()]
        started = perf_counter()
        with transaction.atomic():
            for module in modules:
                self._timed(module.seed, module)
        if scale > 0:
            with transaction.atomic():
                for module in modules:
                    if hasattr(module, "seed_scale"):
                        self._timed(lambda out, m=module: m.seed_scale(scale, out), module)
        if self.verbosity:
            elapsed = perf_counter() - started
            self.stdout.write(self.style.SUCCESS(f"Demo data ready ({elapsed:.1f} s)."))

    def _timed(self, step, module) -> None:
        started = perf_counter()
        step(self.stdout if self.verbosity else io.StringIO())
        if self.verbosity > 1:
            self.stdout.write(f"  {module.__name__}: {perf_counter() - started:.2f} s")
