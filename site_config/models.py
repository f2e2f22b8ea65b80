import contextlib
import contextvars

from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from site_config.core.links import validate_link
from site_config.markup.render import validate_citations
from site_config.media.uploads import validate_raster_image

# The page cache's stamp lives with the page cache; imported here so Django
# registers it with this app (its table and migrations stay site_config's).
from site_config.pagecache.models import ContentVersion  # noqa: F401

# The profile a static export read, while it renders (``keeping_profile``):
# None, or [note_rows, the SiteProfile once read]. Per thread (a context
# variable): a live request served beside an export reads its own.
_kept = contextvars.ContextVar("labsite_kept_profile", default=None)


class CitationStyle(models.TextChoices):
    """The citation styles visitors can choose (publications.references maps
    each to its CSL file); the value is the ``?style=`` a page takes."""

    APA = "apa", _("APA (7th edition)")
    IEEE = "ieee", _("IEEE")
    CHICAGO = "chicago", _("Chicago (author-date)")
    VANCOUVER = "vancouver", _("Vancouver (NLM)")
    HARVARD = "harvard", _("Harvard (Cite Them Right)")


class SiteProfile(models.Model):
    """The group's own words: one row, edited in the admin."""

    group_name = models.CharField(
        _("group name"), max_length=200, default="Research Group"
    )
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    introduction = MarkdownxField(_("introduction"), blank=True)
    contact = MarkdownxField(_("contact"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("email"), blank=True)
    logo = models.ImageField(
        _("logo"), upload_to="site/", blank=True, validators=[validate_raster_image]
    )
    footer_text = models.CharField(_("footer text"), max_length=300, blank=True)
    home_news_count = models.PositiveSmallIntegerField(
        _("news posts on the home page"),
        default=3,
        # Bounded so the home page stays a summary, however the field is set.
        validators=[MaxValueValidator(20)],
        help_text=_(
            "How many of the latest news posts the home page shows (at most 20); "
            "0 hides them."
        ),
    )
    home_selected_count = models.PositiveSmallIntegerField(
        _("selected publications on the home page"),
        default=6,
        help_text=_("How many selected publications the home page lists; 0 lists all."),
    )
    home_publication_count = models.PositiveSmallIntegerField(
        _("recent publications on the home page"),
        default=8,
        help_text=_("How many of the newest papers the home page lists; 0 lists all."),
    )
    home_preprint_count = models.PositiveSmallIntegerField(
        _("recent preprints on the home page"),
        default=4,
        help_text=_(
            "How many of the newest preprints the home page lists; 0 lists all."
        ),
    )
    show_previews = models.BooleanField(
        _("paper previews in lists"),
        default=True,
        help_text=_("Show a publication's preview image as a thumbnail in its lists."),
    )
    citation_style = models.CharField(
        _("citation style"),
        max_length=20,
        choices=CitationStyle,
        default=CitationStyle.APA,
        help_text=_(
            "How publication pages format a reference unless a visitor picks "
            "another style; also the style of formatted list downloads."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("site profile")
        verbose_name_plural = _("site profile")

    def __str__(self):
        return self.group_name

    @property
    def home_limits(self):
        """(selected, publications, preprints) the home page lists; None is all."""
        return tuple(
            count or None
            for count in (
                self.home_selected_count,
                self.home_publication_count,
                self.home_preprint_count,
            )
        )

    def clean(self):
        # Cited BibTeX keys must name a publication: never a silent blank citation.
        validate_citations(self, ["introduction", "contact"])

    @classmethod
    def load(cls):
        """The profile row, created with defaults on first use; inside
        ``keeping_profile``, the one read first."""
        kept = _kept.get()
        if kept is not None and kept[1] is not None:
            kept[0](cls._meta.db_table, cls._meta.pk.column, [kept[1].pk])
            return kept[1]
        profile = cls.objects.order_by("pk").first()
        if profile is None:
            profile = cls.objects.create()
        if kept is not None:
            kept[1] = profile
        return profile


@contextlib.contextmanager
def keeping_profile(note_rows):
    """Inside, ``SiteProfile.load`` reads the row once in this thread (and
    in each process forked from it inside) and returns that instance after, calling
    note_rows(table, primary key column, [pk]) as it does so that the page
    rendering depends on the row as if it had read it (a static export's
    ``deps.Recorder.note_rows``).

    For the static export, where every page reads the profile: the query
    with Django's compiling and the export's recording cost about 0.9 ms a
    page, 54,000 pages at 10,000 publications. An edit saved while an
    export runs moves the content stamp, so the next export renders the
    pages again; the live site reads the row per request.
    """
    token = _kept.set([note_rows, None])
    try:
        yield
    finally:
        _kept.reset(token)


class NavigationLink(models.Model):
    label = models.CharField(_("label"), max_length=60)
    url = models.CharField(
        _("URL or path"),
        max_length=300,
        help_text=_("e.g. /publications/, https://… or mailto:…"),
        validators=[validate_link],
    )
    order = models.PositiveIntegerField(_("order"), default=100)
    is_visible = models.BooleanField(_("visible"), default=True)

    class Meta:
        ordering = ["order", "label"]
        verbose_name = _("navigation link")
        verbose_name_plural = _("navigation links")
        indexes = [
            models.Index(
                fields=["is_visible", "order", "label"], name="navigation_visible_idx"
            )
        ]

    def __str__(self):
        return self.label


class OldSlugQuerySet(models.QuerySet):
    def current_slugs(self, wanted):
        """{name: slug now} for those (name, model, slug) triples of wanted
        whose slug is an old one of a row of model (one query, and one per
        old slug found)."""
        condition = models.Q(pk__in=[])
        names = {}
        for name, model, slug in wanted:
            kind = ContentType.objects.get_for_model(model)
            condition |= models.Q(content_type=kind, slug=slug)
            names[kind.pk, slug] = (name, model)
        found = {}
        for old in self.filter(condition):
            name, model = names[old.content_type_id, old.slug]
            current = (
                model._default_manager.filter(pk=old.object_id)
                .values_list("slug", flat=True)
                .first()
            )
            if current:
                found[name] = current
        return found

    def renamed(self, model):
        """{old slug: slug now} of every row of model that has an old slug
        (two queries), for a copy of the site that must follow old addresses
        without a server; an old slug a row holds again is left out."""
        kind = ContentType.objects.get_for_model(model)
        olds = dict(self.filter(content_type=kind).values_list("slug", "object_id"))
        now = dict(
            model._default_manager.filter(pk__in=set(olds.values())).values_list(
                "pk", "slug"
            )
        )
        return {
            old: now[pk] for old, pk in olds.items() if pk in now and now[pk] != old
        }


class OldSlug(models.Model):
    """A slug a page answered to before its object's slug changed.

    Kept for every content model with a slug and a page (site_config.redirects
    records them on save); a request for the old address gets a permanent
    redirect to the object's current page. The slug an object has now always
    wins over an old one: taking it back, or giving it to another object,
    removes the old row.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("kind"),
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    slug = models.SlugField(_("old slug"), max_length=120)
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    objects = OldSlugQuerySet.as_manager()

    class Meta:
        ordering = ["content_type", "slug"]
        verbose_name = _("old slug")
        verbose_name_plural = _("old slugs")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "slug"], name="unique_old_slug_per_kind"
            )
        ]
        indexes = [
            models.Index(
                fields=["content_type", "object_id"], name="old_slug_object_idx"
            ),
            models.Index(fields=["slug"], name="old_slug_slug_idx"),
        ]

    def __str__(self):
        return self.slug
