"""The organisations of the programme: French collectivities, French embassies,
and the taxonomies they are described with (themes, SDGs, regions, languages)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from expect.core.addresses import EmailAddress
from expect.core.limits import ADDRESS, LONG_TEXT, SHORT_TEXT
from expect.core.phones import PhoneField

from .validators import normalise_search, validate_rna, validate_siren


class Region(models.Model):
    """A French region, as in the official geographic code (COG)."""

    code = models.CharField(_("INSEE code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    """A working language an expert can speak (ISO 639-1 code)."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name in French"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name_en if get_language() == "en" else self.name


class Sdg(models.Model):
    """One of the 17 United Nations Sustainable Development Goals (ODD in French)."""

    number = models.PositiveSmallIntegerField(_("number"), primary_key=True)
    name = models.CharField(_("name in French"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)

    class Meta:
        ordering = ["number"]
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=17), name="sdg_number_1_to_17"
            )
        ]

    def __str__(self) -> str:
        name = self.name_en if get_language() == "en" else self.name
        return f"{self.number}. {name}"


class Theme(models.Model):
    """A theme of expertise; the taxonomy is edited by DAECT in the admin."""

    name = models.CharField(_("name in French"), max_length=150, unique=True)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=SHORT_TEXT)
    sdgs = models.ManyToManyField(Sdg, blank=True, related_name="themes", verbose_name=_("SDGs"))
    is_active = models.BooleanField(
        _("open to applications"),
        default=True,
        help_text=_("An inactive theme is kept for history but offered in no new form."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    desk = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="theme_desks",
        verbose_name=_("thematic desk"),
        help_text=_("The specialists DAECT may ask for an opinion on the dossiers of this theme."),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class CollectivityQuerySet(models.QuerySet):
    def search(self, query: str) -> CollectivityQuerySet:
        """Collectivities matching a name, an INSEE code or a SIREN, best first."""
        query = (query or "").strip()
        digits = query.replace(" ", "")
        if digits.isdigit() and len(digits) == 9:
            return self.filter(siren=digits)
        if len(digits) in (2, 3, 5) and (digits.isdigit() or digits[:2].upper() in ("2A", "2B")):
            by_code = self.filter(insee_code=digits.upper())
            if by_code.exists():
                return by_code
        needle = normalise_search(query)
        if len(needle) < 2:
            return self.none()
        return self.filter(search_name__contains=needle).order_by(
            models.Case(
                models.When(search_name=needle, then=0),
                models.When(search_name__startswith=needle, then=1),
                default=2,
            ),
            models.F("population").desc(nulls_last=True),
            "name",
        )


class Collectivity(models.Model):
    """A French local authority or an association of elected officials."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        DEPARTEMENT = "departement", _("Département")
        REGION = "region", _("Région")
        EPCI = "epci", _("Intercommunality (EPCI)")
        OVERSEAS = "overseas", _("Overseas collectivity")
        ELECTED_ASSOCIATION = "elected_association", _("Association of elected officials")
        ASSOCIATION = "association", _("Other association")

    # Kinds that come from the official list and are identified by their SIREN.
    OFFICIAL_KINDS = (Kind.COMMUNE, Kind.EPCI)
    ASSOCIATION_KINDS = (Kind.ELECTED_ASSOCIATION, Kind.ASSOCIATION)

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    legal_form = models.CharField(
        _("legal form"), max_length=20, blank=True, help_text=_("For an EPCI: CC, CA, CU, MET…")
    )
    siren = models.CharField(
        _("SIREN"), max_length=9, unique=True, null=True, blank=True, validators=[validate_siren]
    )
    rna = models.CharField(
        _("RNA number"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_rna],
        help_text=_("Associations only: W followed by nine characters."),
    )
    # NULL rather than "" so that the unique constraint on (kind, insee_code) ignores it.
    insee_code = models.CharField(_("INSEE code"), max_length=5, null=True, blank=True)  # noqa: DJ001
    department_code = models.CharField(_("département"), max_length=3, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    address = models.TextField(_("address"), blank=True, max_length=ADDRESS)
    email = EmailAddress(_("contact e-mail"), blank=True)
    phone = PhoneField(_("phone"), blank=True)
    website = models.URLField(_("website"), blank=True)
    languages = models.ManyToManyField(
        Language,
        blank=True,
        related_name="collectivities",
        verbose_name=_("languages spoken by its experts"),
    )
    international_experience = models.TextField(
        _("international experience"), blank=True, max_length=LONG_TEXT
    )
    cooperation_countries = CountryField(
        _("countries of earlier cooperation"), multiple=True, blank=True
    )
    # The contact shown on the collectivity's public page. A service or a function
    # (« Direction des relations internationales », ri@ville.fr), never a person's own
    # address by default: nothing is shown until the referent ticks `publish_contact`.
    public_contact_service = models.CharField(
        _("public contact: service or function"),
        max_length=200,
        blank=True,
        help_text=_("For example “International relations department”. No person's name."),
    )
    public_contact_email = EmailAddress(_("public contact: e-mail"), blank=True)
    public_contact_phone = PhoneField(_("public contact: phone"), blank=True)
    publish_contact = models.BooleanField(
        _("publish this contact on the collectivity's public page"), default=False
    )
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    imported = models.BooleanField(_("from the official list"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollectivityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # The catalogue and the admin list sort by name (then pk): read in index order.
        indexes = [models.Index(fields=["name", "id"], name="collectivity_name_idx")]
        verbose_name = _("collectivity")
        verbose_name_plural = _("collectivities")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "insee_code"], name="collectivity_unique_insee"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["commune", "epci"]) | Q(siren__isnull=False),
                name="collectivity_official_has_siren",
                violation_error_message=_("A commune or an EPCI must have a SIREN."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["elected_association", "association"])
                | Q(siren__isnull=False)
                | Q(rna__isnull=False),
                name="collectivity_association_identified",
                violation_error_message=_("An association needs a SIREN or an RNA number."),
            ),
            models.CheckConstraint(
                condition=Q(rna__isnull=True) | Q(kind__in=["elected_association", "association"]),
                name="collectivity_rna_only_for_associations",
                violation_error_message=_("Only an association has an RNA number."),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.COMMUNE and self.department_code:
            return f"{self.name} ({self.department_code})"
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_name = normalise_search(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Empty identifiers are stored as NULL so that the unique constraints ignore them.
        self.siren = self.siren or None
        self.rna = (self.rna or "").upper() or None
        self.insee_code = self.insee_code or None
        if self.kind in self.OFFICIAL_KINDS and not self.siren:
            raise ValidationError({"siren": _("A commune or an EPCI must have a SIREN.")})
        if self.kind in self.ASSOCIATION_KINDS and not (self.siren or self.rna):
            raise ValidationError({"rna": _("An association needs a SIREN or an RNA number.")})
        if self.rna and self.kind not in self.ASSOCIATION_KINDS:
            raise ValidationError({"rna": _("Only an association has an RNA number.")})

    @property
    def public_contact(self) -> dict[str, str] | None:
        """What the public page shows of the contact: only once published, only what was given."""
        if not self.publish_contact:
            return None
        contact = {
            "service": self.public_contact_service,
            "email": self.public_contact_email,
            "phone": str(self.public_contact_phone or ""),
        }
        return contact if any(contact.values()) else None

    @property
    def identifier(self) -> str:
        if self.siren:
            return f"SIREN {self.siren}"
        if self.rna:
            return f"RNA {self.rna}"
        return f"INSEE {self.insee_code}" if self.insee_code else ""

    @property
    def label_for_search(self) -> str:
        """What the registration search shows and reads back: name and identifier."""
        return f"{self} — {self.identifier}" if self.identifier else str(self)


class Embassy(models.Model):
    """A French embassy; it relays the needs of the foreign authorities of its countries."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    countries = CountryField(_("countries covered"), multiple=True)
    city = models.CharField(_("city"), max_length=100)
    email = EmailAddress(_("contact e-mail"), blank=True)
    phone = PhoneField(_("phone"), blank=True)
    address = models.TextField(_("address"), blank=True, max_length=ADDRESS)

    class Meta:
        ordering = ["name"]
        verbose_name = _("embassy")
        verbose_name_plural = _("embassies")

    def __str__(self) -> str:
        return self.name

    def covers(self, country_code: str) -> bool:
        return country_code in {c.code for c in self.countries}
