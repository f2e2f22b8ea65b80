"""What the group does over time: news posts, talks and events, courses.

They are neither people, themes nor publications but point at all three, so
they sit in one app above them: people, research and publications know nothing
of this app, and a person's page reaches its talks and courses through the
reverse relations declared here (``person.talks``, ``person.courses``).
"""

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from site_config.core.text import unique_slug
from site_config.markup.render import validate_citations
from site_config.media.uploads import validate_raster_image


class NewsPostQuerySet(models.QuerySet):
    def newest_first(self):
        """Pinned posts first, then by date, newest first."""
        return self.order_by("-is_pinned", "-date", "-pk")

    def in_year(self, year):
        """Posts dated in year; none for a year no calendar date has (0, 10000)."""
        if not datetime.MINYEAR <= year < datetime.MAXYEAR:
            return self.none()
        start = datetime.date(year, 1, 1)
        return self.filter(date__gte=start, date__lt=start.replace(year=year + 1))

    def years(self):
        """Years that have posts, newest first, in one query."""
        dates = self.order_by().dates("date", "year", order="DESC")
        return [day.year for day in dates]


class NewsPost(models.Model):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    date = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One sentence for lists and feeds; the body's start if empty."),
    )
    body = MarkdownxField(
        _("body"),
        blank=True,
        help_text=_("Markdown: images, links, math and [@key] citations."),
    )
    image = models.ImageField(
        _("image"), upload_to="news/", blank=True, validators=[validate_raster_image]
    )
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    is_pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("Kept at the top of the news lists.")
    )
    people = models.ManyToManyField(
        "people.Person",
        blank=True,
        related_name="news_posts",
        verbose_name=_("people"),
    )
    themes = models.ManyToManyField(
        "research.ResearchTheme",
        blank=True,
        related_name="news_posts",
        verbose_name=_("research themes"),
    )
    publications = models.ManyToManyField(
        "publications.Publication",
        blank=True,
        related_name="news_posts",
        verbose_name=_("publications"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NewsPostQuerySet.as_manager()

    class Meta:
        ordering = ["-is_pinned", "-date", "-pk"]
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        indexes = [
            models.Index(fields=["-is_pinned", "-date"], name="news_post_listing_idx")
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(NewsPost, self.title, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "news:detail", kwargs={"year": self.date.year, "slug": self.slug}
        )

    def clean(self):
        # Cited BibTeX keys must name a publication: never a silent blank citation.
        validate_citations(self, ["body"])


class TalkQuerySet(models.QuerySet):
    def upcoming(self, today=None):
        """Talks and events not over yet (today counts), soonest first."""
        today = today or timezone.localdate()
        return self.filter(
            Q(end_date__gte=today) | Q(end_date__isnull=True, start_date__gte=today)
        ).order_by("start_date", "pk")

    def past(self, today=None):
        """Talks and events that are over, newest first."""
        today = today or timezone.localdate()
        return self.filter(
            Q(end_date__lt=today) | Q(end_date__isnull=True, start_date__lt=today)
        ).order_by("-start_date", "-pk")

    def for_listing(self):
        """What a talk on a list shows: its speakers in their page order."""
        return self.prefetch_related("speakers")


class Talk(models.Model):
    """A talk a member gives, or an event (workshop, school) the group runs."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited talk")
        CONTRIBUTED = "contributed", _("Contributed talk")
        KEYNOTE = "keynote", _("Keynote")
        TUTORIAL = "tutorial", _("Tutorial")
        POSTER = "poster", _("Poster")
        SEMINAR = "seminar", _("Seminar")
        EVENT = "event", _("Event we run")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind, default=Kind.INVITED
    )
    speakers = models.ManyToManyField(
        "people.Person",
        blank=True,
        related_name="talks",
        verbose_name=_("speakers or organisers"),
    )
    event = models.CharField(
        _("event"), max_length=300, blank=True, help_text=_("e.g. NeurIPS 2025")
    )
    event_url = models.URLField(_("event page"), max_length=500, blank=True)
    location = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("City, venue or Online")
    )
    start_date = models.DateField(_("date"), db_index=True)
    end_date = models.DateField(
        _("last day"),
        null=True,
        blank=True,
        help_text=_("For events over several days."),
    )
    abstract = MarkdownxField(_("abstract"), blank=True)
    slides_url = models.URLField(_("slides"), max_length=500, blank=True)
    video_url = models.URLField(_("video"), max_length=500, blank=True)
    publications = models.ManyToManyField(
        "publications.Publication",
        blank=True,
        related_name="talks",
        verbose_name=_("related publications"),
    )
    themes = models.ManyToManyField(
        "research.ResearchTheme",
        blank=True,
        related_name="talks",
        verbose_name=_("research themes"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TalkQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("talk or event")
        verbose_name_plural = _("talks and events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="talk_end_after_start",
                violation_error_message=_("The last day comes before the first."),
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Talk, self.title, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("talks:detail", kwargs={"slug": self.slug})

    def clean(self):
        validate_citations(self, ["abstract"])

    @property
    def last_day(self):
        return self.end_date or self.start_date

    @property
    def is_upcoming(self):
        return self.last_day >= timezone.localdate()


class Course(models.Model):
    class Level(models.TextChoices):
        UNDERGRADUATE = "undergraduate", _("Undergraduate")
        GRADUATE = "graduate", _("Graduate")
        SCHOOL = "school", _("Summer or winter school")
        OTHER = "other", _("Other")

    code = models.CharField(
        _("code"), max_length=40, blank=True, help_text=_("e.g. MATH 5470")
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    term = models.CharField(
        _("term"), max_length=60, help_text=_("As the university says it: Fall 2025")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), help_text=_("The year the term starts in; orders the list.")
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level, default=Level.GRADUATE
    )
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    instructors = models.ManyToManyField(
        "people.Person",
        blank=True,
        related_name="courses",
        verbose_name=_("instructors"),
    )
    description = MarkdownxField(_("description"), blank=True)
    url = models.URLField(_("course page"), max_length=500, blank=True)
    materials_url = models.URLField(_("materials"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "code", "title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Course, self.title, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("teaching:detail", kwargs={"slug": self.slug})

    def clean(self):
        validate_citations(self, ["description"])
