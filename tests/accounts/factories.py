import factory
from django.utils import timezone

from expect.accounts.models import Membership, User
from tests.organisations.factories import CollectivityFactory, EmbassyFactory

PASSWORD = "Un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"agent{n}@example.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Agent{n}")
    role = User.Role.MEMBER
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)


class EmbassyAgentFactory(UserFactory):
    role = User.Role.EMBASSY
    embassy = factory.SubFactory(EmbassyFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    collectivity = factory.SubFactory(CollectivityFactory)
    state = Membership.State.PENDING
