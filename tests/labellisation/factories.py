import datetime

import factory
from django.core.files.base import ContentFile

from labellisation.models import (
    LABEL_VALIDITY,
    Attachment,
    CommitteeSession,
    CooperationProject,
    Label,
    LabelApplication,
    ProposedExpert,
)
from tests.accounts.factories import MembershipFactory
from tests.organisations.factories import ThemeFactory

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class CommitteeSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeSession

    date = factory.Sequence(lambda n: datetime.date(2027, 1, 27) + datetime.timedelta(days=60 * n))
    application_deadline = factory.LazyAttribute(lambda o: o.date - datetime.timedelta(days=11))


class LabelApplicationFactory(factory.django.DjangoModelFactory):
    """A draft by a confirmed member of the collectivity."""

    class Meta:
        model = LabelApplication

    created_by = factory.LazyFunction(lambda: MembershipFactory(state="active").user)
    collectivity = factory.LazyAttribute(lambda o: o.created_by.membership.collectivity)
    theme = factory.SubFactory(ThemeFactory)
    expertise = "Gestion de l’eau potable en régie depuis 1998."


class CooperationProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationProject

    application = factory.SubFactory(LabelApplicationFactory)
    country = "SN"
    partner = "Commune de Saint-Louis"
    start_year = 2015
    end_year = 2019


class ProposedExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposedExpert

    application = factory.SubFactory(LabelApplicationFactory)
    name = "Sophie Lefèvre"
    position = "Ingénieure"
    email = "sophie@example.fr"


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    application = factory.SubFactory(LabelApplicationFactory)
    kind = Attachment.Kind.COMMITMENT_LETTER
    file = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="lettre.pdf"))
    original_name = "lettre.pdf"
    size = len(MINIMAL_PDF)
    uploaded_by = factory.LazyAttribute(lambda o: o.application.created_by)


def complete_application(**kwargs) -> LabelApplication:
    """A draft ready to submit: expertise, one expert, the commitment letter, the commitment."""
    application = LabelApplicationFactory(commitment=True, **kwargs)
    ProposedExpertFactory(application=application)
    AttachmentFactory(application=application)
    return application


class LabelFactory(factory.django.DjangoModelFactory):
    """An active label, granted on a granted application."""

    class Meta:
        model = Label

    application = factory.SubFactory(LabelApplicationFactory, state=LabelApplication.State.GRANTED)
    collectivity = factory.LazyAttribute(lambda o: o.application.collectivity)
    theme = factory.LazyAttribute(lambda o: o.application.theme)
    granted_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    valid_until = factory.LazyAttribute(lambda o: o.granted_on + LABEL_VALIDITY)
