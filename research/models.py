from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from research.tree import ThemeTree, parent_chain
from site_config.core.text import clean_text, unique_slug
from site_config.core.urls import model_url
from site_config.markup.render import (
    render_for_storage,
    stored_html,
    validate_citations,
)
from site_config.media.uploads import validate_raster_image


class ResearchThemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def roots(self):
        return self.filter(parent__isnull=True)

    def tree(self):
        """These themes read in one query and arranged as a `ThemeTree`."""
        return ThemeTree(self)


class ResearchTheme(models.Model):
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent theme"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = MarkdownxField(_("description"), blank=True)
    # The BibTeX keys the description cites, in order, worked out when it is
    # saved: lists and counts of a theme's publications read them instead of
    # converting the Markdown again on every request (issue 10, render once).
    # Keys, not rows, so a paper imported after the theme was saved counts as
    # soon as it exists, and a deleted one simply stops matching.
    cited_keys = models.JSONField(
        _("cited BibTeX keys"), default=list, blank=True, editable=False
    )
    # The description rendered when saved (citations left as markers for the
    # page to number): the home page and /research/ show every description,
    # and converting each on every request grew with the number of themes.
    description_html = models.TextField(
        _("description as HTML"), blank=True, editable=False
    )
    image = models.ImageField(
        _("image"), upload_to="themes/", blank=True, validators=[validate_raster_image]
    )
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    people = models.ManyToManyField(
        "people.Person",
        blank=True,
        related_name="research_themes",
        verbose_name=_("people"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResearchThemeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("research theme")
        verbose_name_plural = _("research themes")
        indexes = [
            models.Index(fields=["parent", "order"]),
            models.Index(fields=["order", "title"], name="theme_listing_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="theme_not_own_parent",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(ResearchTheme, self.title, exclude_pk=self.pk)
        # Cleaned here as well as by the pre_save receiver, which runs after
        # this: a lone surrogate would stop the renderer (nh3) before it.
        self.description = clean_text(self.description)
        self.description_html, self.cited_keys = render_for_storage(self.description)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "description" in update_fields:
            kwargs["update_fields"] = {*update_fields, "description_html", "cited_keys"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return model_url("research:detail", slug=self.slug)

    def clean(self):
        if self.pk and any(node.pk == self.pk for node in parent_chain(self)):
            raise ValidationError(
                {"parent": _("A theme cannot sit below itself or its sub-themes.")}
            )
        # Cited BibTeX keys must name a publication: never a silent blank citation.
        validate_citations(self, ["description"])

    def ancestors(self):
        """Parents from the root down, excluding self."""
        return list(reversed(parent_chain(self)))

    @property
    def rendered_description(self):
        """The description as HTML for a page: the stored rendering, its
        citations joining the page's; rendered again only if stale."""
        html = stored_html(self.description_html, self.description)
        return mark_safe(html)  # noqa: S308 - sanitized by nh3 when rendered

    @property
    def path_title(self):
        return " > ".join([a.title for a in self.ancestors()] + [self.title])


class GrantQuerySet(models.QuerySet):
    def current(self, today=None):
        """Grants running today (no end date counts as running)."""
        today = today or timezone.localdate()
        return self.filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=today),
            models.Q(start_date__isnull=True) | models.Q(start_date__lte=today),
        )


class Grant(models.Model):
    """Funding the group holds: who pays, for what, when, and how to thank them."""

    title = models.CharField(_("project title"), max_length=300)
    funder = models.CharField(
        _("funder"), max_length=200, help_text=_("e.g. National Science Foundation")
    )
    programme = models.CharField(
        _("programme"), max_length=200, blank=True, help_text=_("e.g. CAREER")
    )
    number = models.CharField(_("grant number"), max_length=100, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    url = models.URLField(_("project page"), max_length=500, blank=True)
    acknowledgement = models.TextField(
        _("acknowledgement"),
        blank=True,
        help_text=_("The sentence papers use to thank the funder."),
    )
    themes = models.ManyToManyField(
        ResearchTheme,
        blank=True,
        related_name="grants",
        verbose_name=_("research themes"),
    )
    people = models.ManyToManyField(
        "people.Person",
        blank=True,
        related_name="grants",
        verbose_name=_("people"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = [models.F("start_date").desc(nulls_last=True), "title"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="grant_end_after_start",
                violation_error_message=_("The grant ends before it starts."),
            )
        ]

    def __str__(self):
        return (
            f"{self.funder} {self.number}: {self.title}"
            if self.number
            else (f"{self.funder}: {self.title}")
        )

    def get_absolute_url(self):
        return reverse("funding:list") + f"#grant-{self.pk}"

    @property
    def period(self):
        """ "2021–2025", "since 2021" or "" from the dates."""
        start = self.start_date.year if self.start_date else None
        end = self.end_date.year if self.end_date else None
        if start and end:
            return f"{start}–{end}" if start != end else str(start)
        if start:
            return f"since {start}"
        return f"until {end}" if end else ""
