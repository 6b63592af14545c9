import factory
from stdnum import luhn

from expect.organisations.models import Collectivity, Embassy, Theme


def _siren(n: int) -> str:
    """A valid SIREN (Luhn) in a range no real collectivity uses in tests."""
    base = f"99{n:06d}"
    return base + luhn.calc_check_digit(base)


class CollectivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collectivity

    kind = Collectivity.Kind.COMMUNE
    name = factory.Sequence(lambda n: f"Commune {n}")
    siren = factory.Sequence(_siren)
    insee_code = factory.Sequence(lambda n: f"9{n:04d}")
    department_code = "69"


class EmbassyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Embassy

    name = factory.Sequence(lambda n: f"Ambassade de France n°{n}")
    countries = ["SN"]
    city = "Dakar"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")
