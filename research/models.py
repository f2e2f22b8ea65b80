from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from site_config.core.text import unique_slug
from site_config.markup.render import validate_citations
from site_config.media.uploads import validate_raster_image


class ResearchThemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def roots(self):
        return self.filter(parent__isnull=True)


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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("research:detail", kwargs={"slug": self.slug})

    def clean(self):
        ancestor = self.parent
        seen = set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("A theme cannot sit below itself or its sub-themes.")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        # Cited BibTeX keys must name a publication: never a silent blank citation.
        validate_citations(self, ["description"])

    def ancestors(self):
        """Parents from the root down, excluding self."""
        chain, node, seen = [], self.parent, set()
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))

    @property
    def path_title(self):
        return " > ".join([a.title for a in self.ancestors()] + [self.title])


def build_tree(themes):
    """Arrange themes (one query's rows) as nested (theme, children) pairs."""
    by_parent = {}
    for theme in themes:
        by_parent.setdefault(theme.parent_id, []).append(theme)
    ids = {theme.pk for theme in themes}

    def branch(parent_id, seen):
        nodes = []
        for theme in by_parent.get(parent_id, []):
            if theme.pk in seen:
                continue
            nodes.append((theme, branch(theme.pk, seen | {theme.pk})))
        return nodes

    roots = [t for t in themes if t.parent_id is None or t.parent_id not in ids]
    return [(theme, branch(theme.pk, {theme.pk})) for theme in roots]
