from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from people.names import name_key, person_name_fields, printed_name, split_name
from site_config.core.text import unique_slug
from site_config.core.urls import model_url
from site_config.markup.render import validate_citations
from site_config.media.uploads import validate_raster_image


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    url = models.URLField(_("URL"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name


class PersonQuerySet(models.QuerySet):
    def members(self):
        return self.filter(is_member=True)

    def current(self):
        today = timezone.localdate()
        return (
            self.members()
            .exclude(role__in=[Person.Role.ALUMNI, Person.Role.COLLABORATOR])
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        )

    def by_role(self):
        """Ordered by role as Person.Role lists them (principal investigator,
        postdocs, PhD students, ...), then display order and name."""
        rank = models.Case(
            *(
                models.When(role=role, then=models.Value(index))
                for index, role in enumerate(Person.Role.values)
            ),
            default=models.Value(len(Person.Role.values)),
            output_field=models.IntegerField(),
        )
        return self.order_by(rank, "display_order", "family_name", "full_name")

    def alumni(self):
        today = timezone.localdate()
        return self.members().filter(Q(role=Person.Role.ALUMNI) | Q(end_date__lt=today))

    def listed_collaborators(self):
        """Outside co-authors an editor chose to show on the people page."""
        return self.filter(
            Q(is_member=False) | Q(role=Person.Role.COLLABORATOR),
            show_on_people_page=True,
        )

    def coauthors_of(self, person):
        """Everyone who shares a publication with person, annotated with
        ``shared`` (how many publications), most frequent first; one query."""
        return (
            self.filter(authorships__publication__authorships__person=person)
            .exclude(pk=person.pk)
            .annotate(shared=models.Count("authorships__publication", distinct=True))
            .order_by("-shared", "family_name", "full_name")
        )

    def frequent_coauthors(self, person, limit):
        """The first limit people of ``coauthors_of(person)``, as a list in
        its order, each with ``shared``; two queries. The ranking reads only
        the id and the names it orders by, then those few rows are loaded:
        counting over whole rows made the database group by every column
        (biography and all), most of a person page's query time at 10,000
        publications (20 ms; 7 ms so)."""
        ranked = list(
            self.filter(authorships__publication__authorships__person=person)
            .exclude(pk=person.pk)
            .values("pk", "family_name", "full_name")
            .annotate(shared=models.Count("authorships__publication", distinct=True))
            .order_by("-shared", "family_name", "full_name")
            .values_list("pk", "shared")[:limit]
        )
        found = self.in_bulk([pk for pk, _shared in ranked])
        people = []
        for pk, shared in ranked:
            coauthor = found[pk]
            coauthor.shared = shared
            people.append(coauthor)
        return people

    def for_profile(self):
        """What a person's page shows: ordered affiliations and active themes."""
        themes = Person._meta.get_field("research_themes").related_model
        return self.with_affiliations().prefetch_related(
            models.Prefetch("research_themes", queryset=themes.objects.active())
        )

    def with_affiliations(self):
        ordered = Affiliation.objects.select_related("organization").order_by(
            "position"
        )
        return self.prefetch_related(models.Prefetch("affiliations", queryset=ordered))


class Person(models.Model):
    class Role(models.TextChoices):
        PI = "pi", _("Principal investigator")
        POSTDOC = "postdoc", _("Postdoc")
        PHD = "phd", _("PhD student")
        MASTER = "master", _("Master's student")
        UNDERGRADUATE = "undergraduate", _("Undergraduate")
        STAFF = "staff", _("Staff")
        ALUMNI = "alumni", _("Alumni")
        COLLABORATOR = "collaborator", _("Collaborator")

    full_name = models.CharField(_("full name"), max_length=200)
    given_name = models.CharField(_("given name"), max_length=120, blank=True)
    family_name = models.CharField(_("family name"), max_length=120, blank=True)
    native_name = models.CharField(
        _("native-script name"), max_length=120, blank=True, help_text=_("e.g. 王明泽")
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    role = models.CharField(
        _("role"), max_length=20, choices=Role, default=Role.COLLABORATOR, db_index=True
    )
    is_member = models.BooleanField(
        _("group member"),
        default=False,
        db_index=True,
        help_text=_("Members of the group; others are outside co-authors."),
    )
    show_on_people_page = models.BooleanField(
        _("list on the people page"),
        default=False,
        help_text=_("For outside co-authors: show them among the collaborators."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="people/",
        blank=True,
        validators=[validate_raster_image],
    )
    interests = models.CharField(_("interests"), max_length=250, blank=True)
    current_position = models.CharField(
        _("now at"),
        max_length=250,
        blank=True,
        help_text=_("For alumni: where they went."),
    )
    bio = MarkdownxField(_("biography"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    homepage = models.URLField(_("homepage"), blank=True)
    orcid = models.CharField(
        _("ORCID iD"), max_length=19, blank=True, help_text=_("0000-0002-1825-0097")
    )
    orcid_synced_at = models.DateTimeField(
        _("last synced from ORCID"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When sync_orcid last read this person's ORCID works."),
    )
    google_scholar_id = models.CharField(
        _("Google Scholar id"), max_length=40, blank=True
    )
    github_username = models.CharField(_("GitHub username"), max_length=60, blank=True)
    display_order = models.PositiveIntegerField(_("display order"), default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "family_name", "full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["is_member", "role", "display_order"]),
            models.Index(fields=["family_name"]),
            # The people page's order, and its current/alumni/collaborator splits.
            models.Index(
                fields=["display_order", "family_name", "full_name"],
                name="person_listing_order_idx",
            ),
            models.Index(
                fields=["is_member", "end_date"], name="person_member_end_idx"
            ),
            models.Index(
                fields=["show_on_people_page", "is_member"],
                name="person_listed_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="person_end_after_start",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        if not (self.given_name or self.family_name) and self.full_name:
            self.given_name, self.family_name = person_name_fields(
                split_name(self.full_name)
            )
        # "太郎 田中" is stored as it is shown: 田中太郎 (people.names).
        self.full_name = self.display_name
        if not self.slug:
            self.slug = unique_slug(Person, self.full_name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return model_url("people:detail", slug=self.slug)

    def clean(self):
        # Cited BibTeX keys must name a publication: never a silent blank citation.
        validate_citations(self, ["bio"])

    @property
    def display_name(self):
        """The name as printed everywhere: full_name, except that a CJK name
        reads family name first without a space (people.names.printed_name)."""
        return printed_name(
            self.full_name, given=self.given_name, family=self.family_name
        )

    @property
    def initials(self):
        words = [w for w in (self.given_name, self.family_name) if w] or [
            self.full_name
        ]
        return "".join(w[0] for w in words if w).upper()[:2]

    @property
    def is_alumni(self):
        if self.role == self.Role.ALUMNI:
            return True
        return bool(self.end_date and self.end_date < timezone.localdate())

    @property
    def orcid_url(self):
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""

    @property
    def google_scholar_url(self):
        if not self.google_scholar_id:
            return ""
        return f"https://scholar.google.com/citations?user={self.google_scholar_id}"

    @property
    def github_url(self):
        return (
            f"https://github.com/{self.github_username}" if self.github_username else ""
        )

    def match_keys(self):
        """Every key this person answers to: their name and each variant."""
        keys = {name_key(self.full_name)}
        keys.update(variant.match_key for variant in self.name_variants.all())
        return keys


class Affiliation(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="affiliations"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="affiliations"
    )
    department = models.CharField(_("department"), max_length=200, blank=True)
    title = models.CharField(_("position held"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["person", "position"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "position"], name="unique_affiliation_position"
            )
        ]

    def __str__(self):
        if self.department:
            return f"{self.department}, {self.organization}"
        return str(self.organization)


class NameVariant(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="name_variants"
    )
    name = models.CharField(
        _("name as printed"), max_length=200, help_text=_('e.g. "E, Weinan" or "W. E"')
    )
    match_key = models.CharField(max_length=250, editable=False, db_index=True)

    class Meta:
        ordering = ["person", "name"]
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "match_key"], name="unique_name_variant_per_person"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.match_key = name_key(self.name)
        super().save(*args, **kwargs)


class CVEntry(models.Model):
    """One line of a member's CV beyond their affiliations: a past position, a
    degree, an award or a service role, with years."""

    class Kind(models.TextChoices):
        POSITION = "position", _("Position")
        EDUCATION = "education", _("Education")
        AWARD = "award", _("Award or honour")
        SERVICE = "service", _("Service")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="cv_entries"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind, default=Kind.POSITION
    )
    title = models.CharField(
        _("title"), max_length=300, help_text=_("e.g. PhD in Mathematics")
    )
    organization = models.CharField(_("where"), max_length=300, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(
        _("to"), null=True, blank=True, help_text=_("Empty: to the present.")
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["person", "kind", "position", "-start_year"]
        verbose_name = _("CV entry")
        verbose_name_plural = _("CV entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="cv_entry_end_after_start",
                violation_error_message=_("The entry ends before it starts."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def years(self):
        """ "2019–2023", "2019–present" for positions, "2019" or "" from the years."""
        if self.start_year and self.end_year:
            if self.start_year == self.end_year:
                return str(self.start_year)
            return f"{self.start_year}–{self.end_year}"
        if self.start_year:
            ongoing = self.kind in {self.Kind.POSITION, self.Kind.SERVICE}
            return f"{self.start_year}–present" if ongoing else str(self.start_year)
        return str(self.end_year or "")
