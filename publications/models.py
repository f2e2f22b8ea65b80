import re
from datetime import date

from django.conf import settings
from django.db import IntegrityError, models, router, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from people.names import printed_name
from publications import listing, numbering
from site_config.core.text import fold, unique_slug
from site_config.core.urls import model_url
from site_config.markup.render import validate_citations
from site_config.media.uploads import validate_pdf, validate_raster_image

_WEB_ADDRESS = re.compile(r"^https?://\S+$", re.IGNORECASE)


def _address_key(url):
    """What two links to one page share: no scheme, "www.", case of the host,
    or trailing slash ("http://www.arXiv.org/abs/1/" and "https://arxiv.org/abs/1").
    "" for no link."""
    url = (url or "").strip()
    if not url:
        return ""
    address = re.sub(r"^https?://", "", url, flags=re.IGNORECASE)
    host, slash, path = address.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}{slash}{path}".rstrip("/")


# What the publications list's words filter searches: a publication's columns,
# and its authorships' (the person's name and the name as printed).
WORD_FIELDS = ("title", "venue", "venue_short", "keywords")
AUTHOR_WORD_FIELDS = ("person__full_name", "printed_name")


def _any_holds(fields, word):
    """Q: one of fields holds word, folded (site_config.core.lookups)."""
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__folded": word})
    return condition


class PublicationQuerySet(models.QuerySet):
    def published(self):
        return self.exclude(status__in=Publication.PREPRINT_STATUSES)

    def preprints(self):
        return self.filter(status__in=Publication.PREPRINT_STATUSES)

    def selected(self):
        return self.filter(is_selected=True)

    def with_authors(self, *, people_once=False):
        """Authorships in order, each with its person. people_once: load each
        person once (one more query) rather than once per authorship; a long
        list (a download) shares its authors, and builds half as many rows."""
        if people_once:
            ordered = Authorship.objects.order_by("position")
            return self.prefetch_related(
                models.Prefetch("authorships", queryset=ordered), "authorships__person"
            )
        ordered = Authorship.objects.select_related("person").order_by("position")
        return self.prefetch_related(models.Prefetch("authorships", queryset=ordered))

    def with_themes(self):
        return self.prefetch_related("themes")

    def for_listing(self):
        """What a publication item on any list page shows: authors and themes."""
        return self.with_authors().with_themes()

    def listed(self):
        """The rows as a list, each with ``listed_authors``: what a list item
        shows, in two queries however long the list (publications.listing)."""
        return listing.list_items(self)

    def recent_numbered(self, *, limit, preprint_limit=listing.AS_MANY):
        """(published, preprints, totals): the newest of each, with authors
        attached; each shows its stored number (publications.listing)."""
        return listing.recent_numbered(self, limit=limit, preprint_limit=preprint_limit)

    def by_person(self, person):
        return self.filter(authorships__person=person).distinct()

    def for_detail(self):
        """What a publication's page shows: ordered authors and active themes."""
        themes = Publication._meta.get_field("themes").related_model
        return self.with_authors().prefetch_related(
            models.Prefetch("themes", queryset=themes.objects.active())
        )

    def newest_first(self):
        """Newest first with undated rows last on every database backend."""
        return self.order_by(
            models.F("year").desc(nulls_last=True),
            models.F("month").desc(nulls_last=True),
            "title",
            "pk",
        )

    def in_themes(self, theme_ids):
        """Publications linked to any of theme_ids, each once (no DISTINCT needed)."""
        links = Publication.themes.through.objects.filter(researchtheme__in=theme_ids)
        return self.filter(pk__in=links.values("publication"))

    def linked_to_themes(self, themes):
        """Publications in any of themes or cited (`[@key]`) in their descriptions.

        themes are theme objects (the keys their descriptions cite were stored
        when they were saved: no Markdown runs here); each publication comes
        once, without DISTINCT.
        """
        themes = list(themes)
        keys = {key for theme in themes for key in theme.cited_keys}
        links = Publication.themes.through.objects.filter(
            researchtheme__in=[theme.pk for theme in themes]
        )
        linked = Q(pk__in=links.values("publication"))
        if keys:
            linked |= Q(bibtex_key__in=keys)
        return self.filter(linked)

    def by_keys(self, keys):
        """{bibtex_key: publication} for the keys that name one; what a citation
        link and a reference-list line read, nothing more."""
        found = self.filter(bibtex_key__in=list(keys)).only(
            "pk",
            "slug",
            "title",
            "venue",
            "venue_short",
            "year",
            "bibtex_key",
            "number_series",
            "serial",
        )
        return {publication.bibtex_key: publication for publication in found}

    def matching_words(self, words):
        """Publications whose title, venue, keywords or an author's name holds
        every one of words, accents and case ignored (the ``folded`` lookup of
        site_config.core.lookups); each once, without DISTINCT. The columns
        are WORD_FIELDS and AUTHOR_WORD_FIELDS, which ``word_texts`` reads too."""
        queryset = self
        for word in words:
            authored = Authorship.objects.filter(_any_holds(AUTHOR_WORD_FIELDS, word))
            queryset = queryset.filter(
                _any_holds(WORD_FIELDS, word) | Q(pk__in=authored.values("publication"))
            )
        return queryset

    def word_texts(self):
        """{pk: text} of these publications: the folded text of the columns
        ``matching_words`` searches (site_config.core.text.fold), one line
        per value so no word spans two of them. A publication holds a word
        when its text contains the word folded; where no server runs (the
        static copy's list, static/js/mirror.js) the words filter reads this.
        Two queries, whatever the number of publications."""
        lines = {}
        for pk, *values in self.values_list("pk", *WORD_FIELDS):
            lines[pk] = [value for value in values if value]
        authored = Authorship.objects.filter(publication__in=self.values("pk"))
        for pk, *values in authored.values_list("publication", *AUTHOR_WORD_FIELDS):
            if pk in lines:
                lines[pk].extend(value for value in values if value)
        return {
            pk: "\n".join(fold(value) for value in found) for pk, found in lines.items()
        }

    def with_person(self, person_id):
        """Publications person_id authored, each once (no DISTINCT needed)."""
        links = Authorship.objects.filter(person=person_id)
        return self.filter(pk__in=links.values("publication"))

    def status_totals(self):
        """{"published": n, "preprints": m} for the queryset, in one query."""
        preprint = Q(status__in=Publication.PREPRINT_STATUSES)
        return self.order_by().aggregate(
            published=models.Count("pk", filter=~preprint),
            preprints=models.Count("pk", filter=preprint),
        )

    def counts_per_year(self):
        """[(year, count), ...] oldest first, years without publications filled
        with 0: what a publications-per-year chart draws. One query."""
        rows = (
            self.order_by()
            .filter(year__isnull=False)
            .values("year")
            .annotate(n=models.Count("pk", distinct=True))
        )
        counts = {row["year"]: row["n"] for row in rows}
        if not counts:
            return []
        first, last = min(counts), max(counts)
        return [(year, counts.get(year, 0)) for year in range(first, last + 1)]

    def year_counts(self):
        """Rows of year, published and preprints counts, newest year first."""
        preprint = Q(status__in=Publication.PREPRINT_STATUSES)
        return (
            self.order_by()
            .values("year")
            .annotate(
                published=models.Count("pk", filter=~preprint),
                preprints=models.Count("pk", filter=preprint),
            )
            .order_by(models.F("year").desc(nulls_last=True))
        )


# How often a save reads the next free number again after another save took it.
NUMBER_ATTEMPTS = 5


class Publication(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Journal article")
        CONFERENCE = "conference", _("Conference paper")
        PREPRINT = "preprint", _("Preprint")
        THESIS = "thesis", _("Thesis")
        BOOK = "book", _("Book")
        CHAPTER = "chapter", _("Book chapter")
        REPORT = "report", _("Report")
        TALK = "talk", _("Talk")
        # CSL's "software" and "dataset"; biblatex's @software and @dataset.
        SOFTWARE = "software", _("Software")
        DATASET = "dataset", _("Dataset")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        ACCEPTED = "accepted", _("Accepted")
        PREPRINT = "preprint", _("Preprint")
        UNDER_REVIEW = "under_review", _("Under review")

    class Series(models.TextChoices):
        # publications.numbering holds the rules; these are its series.
        PAPER = numbering.PAPER, _("Papers")
        PREPRINT = numbering.PREPRINT, _("Preprints")
        SOFTWARE = numbering.SOFTWARE, _("Software and data")

    # These statuses are listed as preprints, apart from the papers, on every
    # page, in the filters, by the importer and in the numbering; the set lives
    # with the numbering rule (publications.numbering), which migrations use too.
    PREPRINT_STATUSES = numbering.PREPRINT_STATUSES

    title = models.CharField(_("title"), max_length=500)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    # kind and status are looked up through the (kind, year) and (status, year)
    # indexes below; an index of their own would only slow every insert.
    kind = models.CharField(
        _("type"), max_length=20, choices=Kind, default=Kind.ARTICLE
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status,
        default=Status.PUBLISHED,
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        choices=[(m, m) for m in range(1, 13)],
    )
    venue = models.CharField(_("venue"), max_length=500, blank=True)
    venue_short = models.CharField(
        _("venue short name"),
        max_length=60,
        blank=True,
        help_text=_("e.g. NeurIPS 2024"),
    )
    abbr = models.CharField(
        _("badge"),
        max_length=60,
        blank=True,
        help_text=_(
            "al-folio's abbr: a short label shown as the badge (a venue or an area)."
        ),
    )
    volume = models.CharField(_("volume"), max_length=60, blank=True)
    number = models.CharField(_("number"), max_length=60, blank=True)
    pages = models.CharField(_("pages"), max_length=60, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    arxiv_id = models.CharField(_("arXiv id"), max_length=60, blank=True, db_index=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    pdf = models.FileField(
        _("PDF file"), upload_to="papers/", blank=True, validators=[validate_pdf]
    )
    pdf_url = models.URLField(_("PDF link"), max_length=500, blank=True)
    code_url = models.URLField(_("code"), max_length=500, blank=True)
    slides_url = models.URLField(_("slides"), max_length=500, blank=True)
    video_url = models.URLField(_("video"), max_length=500, blank=True)
    project_url = models.URLField(_("project page"), max_length=500, blank=True)
    poster_url = models.URLField(_("poster"), max_length=500, blank=True)
    repository_url = models.URLField(
        _("repository"),
        max_length=500,
        blank=True,
        help_text=_("Software and data: where the source or files live."),
    )
    version = models.CharField(_("version"), max_length=60, blank=True)
    license = models.CharField(
        _("licence"), max_length=100, blank=True, help_text=_("e.g. MIT, CC-BY-4.0")
    )
    abstract = MarkdownxField(_("abstract"), blank=True)
    bibtex_key = models.CharField(_("BibTeX key"), max_length=250, blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    is_selected = models.BooleanField(_("selected"), default=False, db_index=True)
    note = models.CharField(
        _("award (short name)"), max_length=200, blank=True, help_text=_('e.g. "Oral"')
    )
    # BibTeX/biblatex fields kept as model fields (docs/bibtex.md, "Fields").
    editors = models.JSONField(
        _("editors"),
        default=list,
        blank=True,
        help_text=_('Editors in order, as printed ("Moreau, Claire").'),
    )
    year_text = models.CharField(
        _("date as written"),
        max_length=60,
        blank=True,
        help_text=_('A year or date range as written ("1982--1983"); shown as is.'),
    )
    isbn = models.CharField(_("ISBN"), max_length=60, blank=True)
    issn = models.CharField(_("ISSN"), max_length=60, blank=True)
    address = models.CharField(_("place (address)"), max_length=300, blank=True)
    edition = models.CharField(_("edition"), max_length=60, blank=True)
    series = models.CharField(_("series"), max_length=300, blank=True)
    chapter = models.CharField(_("chapter"), max_length=60, blank=True)
    institution = models.CharField(
        _("institution or school"), max_length=300, blank=True
    )
    organization = models.CharField(_("organization"), max_length=300, blank=True)
    howpublished = models.CharField(_("how published"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=60, blank=True)
    bib_note = models.TextField(_("note"), blank=True)
    award = models.TextField(_("award"), blank=True)
    additional_info = models.TextField(_("additional information"), blank=True)
    html_url = models.URLField(_("web page"), max_length=500, blank=True)
    website_url = models.URLField(_("website"), max_length=500, blank=True)
    supp_url = models.URLField(_("supplementary material"), max_length=500, blank=True)
    blog_url = models.URLField(_("blog post"), max_length=500, blank=True)
    image = models.ImageField(
        _("image"),
        upload_to="publications/",
        blank=True,
        validators=[validate_raster_image],
        help_text=_("A preview image (al-folio's preview field)."),
    )
    bibtex_show = models.BooleanField(
        _("show BibTeX button"),
        default=True,
        help_text=_("al-folio's bibtex_show: false hides the list's BibTeX button."),
    )
    other_fields = models.JSONField(
        _("other BibTeX fields"),
        default=dict,
        blank=True,
        help_text=_(
            "Fields of the imported entry with no column of their own, as written; "
            "the BibTeX export writes them back."
        ),
    )
    authors_raw = models.TextField(
        _("author list as imported"),
        blank=True,
        help_text=_("Kept when the author list could not be split into names."),
    )
    authors_et_al = models.BooleanField(
        _("more authors (et al.)"),
        default=False,
        help_text=_('The author list ends with "and others".'),
    )
    bibtex_source = models.TextField(_("original BibTeX entry"), blank=True)
    # The site-wide number ([12], [P3], [S1]): given once, never moved except by
    # `manage.py number_publications --renumber` (publications.numbering).
    number_series = models.CharField(
        _("number series"), max_length=10, choices=Series, blank=True, editable=False
    )
    serial = models.PositiveIntegerField(
        _("number"), null=True, blank=True, editable=False
    )
    preprint_number = models.PositiveIntegerField(
        _("number as a preprint"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The P-number it had before it was published."),
    )
    import_fingerprint = models.JSONField(
        _("imported values"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "Values as last imported, to tell editor changes from file changes."
        ),
    )
    themes = models.ManyToManyField(
        "research.ResearchTheme",
        blank=True,
        related_name="publications",
        verbose_name=_("research themes"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-month", "title"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [
            models.Index(fields=["year", "month"]),
            models.Index(fields=["status", "year"]),
            models.Index(fields=["kind", "year"]),
            models.Index(fields=["bibtex_key"]),
            # Newest-first lists, and per-year counts read from the index alone.
            models.Index(
                fields=["-year", "-month", "title"], name="publication_newest_idx"
            ),
            models.Index(fields=["year", "status"], name="publication_year_status_idx"),
            # The highest former P-number (numbering.next_numbers); most rows
            # have none, and the partial index holds only those that do.
            models.Index(
                fields=["preprint_number"],
                condition=Q(preprint_number__isnull=False),
                name="publication_former_p_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("doi"),
                condition=~Q(doi=""),
                name="unique_publication_doi",
                violation_error_message=_("Another publication has this DOI."),
            ),
            models.UniqueConstraint(
                "bibtex_key",
                condition=~Q(bibtex_key=""),
                name="unique_publication_bibtex_key",
                violation_error_message=_("Another publication has this BibTeX key."),
            ),
            models.UniqueConstraint(
                fields=["number_series", "serial"],
                name="unique_publication_number",
                violation_error_message=_("Another publication has this number."),
            ),
            models.CheckConstraint(
                condition=Q(serial__isnull=True, number_series="")
                | (Q(serial__isnull=False) & ~Q(number_series="")),
                name="publication_number_has_series",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Publication, self.title, exclude_pk=self.pk)
        if not numbering.needs_number(self):
            super().save(*args, **kwargs)
            return
        database = kwargs.get("using") or router.db_for_write(Publication)
        for attempt in range(1, NUMBER_ATTEMPTS + 1):
            changed = numbering.give_number(self, numbering.next_numbers(Publication))
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *changed}
            try:
                # A savepoint, so a clash leaves the caller's transaction usable.
                with transaction.atomic(using=database):
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                # Another editor's or import's save took the same next number
                # between reading it and writing it (PostgreSQL; SQLite's
                # IMMEDIATE transactions cannot interleave): read it again.
                if attempt == NUMBER_ATTEMPTS or not numbering.number_taken(self):
                    raise

    def get_absolute_url(self):
        return model_url("publications:detail", slug=self.slug)

    def clean(self):
        # Cited BibTeX keys must name a publication: never a silent blank citation.
        validate_citations(self, ["abstract"])

    @property
    def is_preprint(self):
        return self.status in self.PREPRINT_STATUSES

    @property
    def number_label(self):
        """The site-wide number as printed: "12", "P3" or "S1" ("" if none)."""
        return numbering.label(self.number_series, self.serial)

    @property
    def number_order(self):
        """Sorts numbered publications as lists show them: papers, preprints,
        software and data, each by number."""
        return numbering.sort_key(self.number_series, self.serial)

    @property
    def former_number_label(self):
        """The preprint number a published paper had, "P3", or "" (always for
        a preprint: its P-number is its number)."""
        if self.number_series == numbering.PREPRINT:
            # Rows numbered before former P-numbers were given back may hold one.
            return ""
        return numbering.label(numbering.PREPRINT, self.preprint_number)

    @property
    def badge(self):
        return self.abbr or self.venue_short or self.get_kind_display()

    @property
    def header_labels(self):
        """What a publication page's header says beside the badge, each once:
        the type unless the badge already reads it, and the status only when it
        adds to the type ("Accepted", "Under review", an article still a
        preprint); "Published" and a preprint's "Preprint" add nothing."""
        labels = []
        kind = str(self.get_kind_display())
        if kind != str(self.badge):
            labels.append(kind)
        quiet = {self.Status.PUBLISHED}
        if self.kind == self.Kind.PREPRINT:
            quiet.add(self.Status.PREPRINT)
        if self.status not in quiet:
            labels.append(str(self.get_status_display()))
        return labels

    @property
    def link_buttons(self):
        """[(label, URL), ...]: every link of the publication in one order,
        each address once (the first label wins, so an arXiv page given as
        project and web page too is one arXiv button). List items and the
        publication page show these (includes/_link_buttons.html)."""
        candidates = [
            ("PDF", self.pdf_link),
            ("arXiv", self.arxiv_url),
            ("Repository", self.repository_url),
            ("Code", self.code_url),
            ("Slides", self.slides_url),
            ("Video", self.video_url),
            ("Poster", self.poster_url),
            ("Supplementary", self.supp_url),
            ("Blog", self.blog_url),
            ("Project", self.project_url),
            ("Website", self.website_url),
            ("Web page", self.html_url),
            ("Web page" if not self.html_url else "Link", self.url),
            *self.extra_links,
            ("DOI", self.doi_url),
        ]
        buttons, seen = [], set()
        for label, url in candidates:
            key = _address_key(url)
            if key and key not in seen:
                seen.add(key)
                buttons.append((label, url))
        return buttons

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def arxiv_url(self):
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def pdf_link(self):
        if self.pdf:
            return self.pdf.url
        if self.pdf_url:
            return self.pdf_url
        if self.arxiv_id:
            return f"https://arxiv.org/pdf/{self.arxiv_id}"
        return ""

    @property
    def pages_display(self):
        return self.pages.replace("--", "–")

    @property
    def year_display(self):
        """The year as shown: as written when it is a range ("1982–1983")."""
        if self.year_text:
            return self.year_text.replace("--", "–").replace("/", " – ")
        return str(self.year) if self.year else ""

    @property
    def date_display(self):
        """Month and year, e.g. "June 2025" (or the year as written)."""
        if self.month and not self.year_text and self.year:
            return f"{date_format(date(2000, self.month, 1), 'F')} {self.year}"
        return self.year_display

    @property
    def editors_display(self):
        """ "A. Editor (ed.)" or "A. Editor, B. Editor (eds.)", or ""."""
        if not self.editors:
            return ""
        label = _("ed.") if len(self.editors) == 1 else _("eds.")
        return f"{', '.join(self.editors)} ({label})"

    @property
    def extra_links(self):
        """(label, URL) for links kept in ``other_fields``: any field holding a
        web address (al-folio's ``preprint``, ``press_release``...), ``pmid`` as
        a PubMed link, ``altmetric`` and ``dimensions`` as plain links to their
        pages (no third-party script)."""
        links = []
        for name, value in sorted((self.other_fields or {}).items()):
            value = str(value).strip().strip("{}")
            if _WEB_ADDRESS.match(value):
                links.append((name.replace("_", " ").capitalize(), value))
            elif name == "pmid" and value.isdigit():
                links.append(("PubMed", f"https://pubmed.ncbi.nlm.nih.gov/{value}/"))
            elif name == "altmetric" and value.isdigit():
                links.append(
                    ("Altmetric", f"https://www.altmetric.com/details/{value}")
                )
            elif name == "dimensions" and value.lower() == "true" and self.doi:
                links.append(
                    (
                        "Dimensions",
                        f"https://badge.dimensions.ai/details/doi/{self.doi}",
                    )
                )
        return links

    @property
    def pmid(self):
        value = str((self.other_fields or {}).get("pmid", "")).strip("{} ")
        return value if value.isdigit() else ""

    def ordered_authorships(self):
        """Authorships in order; uses the prefetch from with_authors() when present."""
        return sorted(self.authorships.all(), key=lambda a: a.position)


class AuthorshipQuerySet(models.QuerySet):
    def publications(self):
        """The publications of these authorships, each once (no DISTINCT).

        `person.authorships.publications()` is how a person's page reaches their
        publications without importing this app.
        """
        return Publication.objects.filter(pk__in=self.values("publication"))


class Authorship(models.Model):
    # No single-column indexes: (publication, position) and (person, publication)
    # below cover both lookups, and an import writes tens of thousands of rows.
    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="authorships",
        db_index=False,
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="authorships",
        db_index=False,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    printed_name = models.CharField(
        _("name as printed"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to print the person's name."),
    )
    equal_contribution = models.BooleanField(_("equal contribution"), default=False)
    corresponding = models.BooleanField(_("corresponding author"), default=False)
    other_marks = models.CharField(
        _("other marks"),
        max_length=20,
        blank=True,
        help_text=_(
            "Marks after the name that mean neither equal contribution nor "
            'corresponding author (e.g. "+" for a student), shown as printed.'
        ),
    )

    objects = AuthorshipQuerySet.as_manager()

    class Meta:
        ordering = ["publication", "position"]
        verbose_name = _("authorship")
        verbose_name_plural = _("authorships")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "position"], name="unique_author_position"
            )
        ]
        indexes = [models.Index(fields=["person", "publication"])]

    def __str__(self):
        return f"{self.display_name} on {self.publication_id}"

    @property
    def display_name(self):
        """The name as printed on the paper, or the person's name; a CJK name
        family name first without a space (people.names.printed_name)."""
        person = self.person
        return printed_name(
            self.printed_name or person.full_name,
            given=person.given_name,
            family=person.family_name,
        )


class ImportRun(models.Model):
    """One import of publications, kept so an editor can see later what it did.

    Made for every import, from the admin (run in the background by a task) or
    the command line: what was asked (``request``: files as ``[name, text]``
    pairs, DOIs, arXiv ids, people to sync from ORCID, theme ids, the importer's
    options: ``media_dirs`` unpacked for the run and removed after it,
    ``search_dirs`` the user's own, ``marks``, ``include_containers``), who asked,
    its progress while it runs, and afterwards its counts, summary, the report's
    failures and warnings, and the per-field changes of each updated
    publication (``changes``: ``[{"entry", "changes": [{"field", "old", "new"}],
    "kept": [...]}]``).
    """

    class Source(models.TextChoices):
        FILES = "files", _("Files")
        IDENTIFIERS = "identifiers", _("DOIs and arXiv ids")
        ORCID = "orcid", _("ORCID")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Origin(models.TextChoices):
        ADMIN = "admin", _("Admin")
        COMMAND = "command", _("Command line")

    source = models.CharField(_("source"), max_length=20, choices=Source)
    description = models.CharField(_("what"), max_length=500)
    origin = models.CharField(
        _("started from"), max_length=10, choices=Origin, default=Origin.ADMIN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publication_imports",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.QUEUED
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    overwrite = models.BooleanField(_("overwrite editors' changes"), default=False)
    atomic = models.BooleanField(_("all or nothing"), default=False)
    request = models.JSONField(_("request"), default=dict, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("of"), default=0)
    progress_label = models.CharField(_("step"), max_length=200, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    people_created = models.PositiveIntegerField(_("new co-authors"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("import history")
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"{self.get_source_display()}: {self.description}"

    @property
    def is_finished(self):
        return self.state in {self.State.DONE, self.State.FAILED}

    @property
    def percent(self):
        """Progress as a whole number from 0 to 100."""
        if self.is_finished:
            return 100
        if not self.progress_total:
            return 0
        return min(100, 100 * self.progress_done // self.progress_total)
