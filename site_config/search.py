"""One search over publications, people and research themes.

Hits whose title (or a person's name) holds the words come first, then the rest
by relevance. Words match with accents and case ignored on every database
(``field__folded``, site_config.core.lookups: "Lahner" finds "Lähner");
PostgreSQL also ranks with its full-text search (stemming: "transformers" finds
"Transformer"); elsewhere hits rank by where the words occur. Either way a
query costs a fixed number of queries.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from news.models import Course, NewsPost, Talk
from people.models import Person
from publications.models import Authorship, Publication
from research.models import Grant, ResearchTheme
from site_config.core.text import MAX_QUERY_LENGTH, fold, fold_spans, words_of
from site_config.markup.plaintext import to_plain

MAX_HITS_PER_KIND = 50
SNIPPET_CHARS = 180


@dataclass(frozen=True)
class Source:
    """How one model is searched: its title field and weighted text fields."""

    kind: str
    label: str
    title_field: str
    fields: tuple  # (field name, weight) pairs; weight 10 is the title's
    nouns: tuple  # (singular, plural) as the summary line counts hits

    def counted(self, count):
        """The count with this source's noun: 1 -> "1 publication", 3 -> "3 people"."""
        singular, plural = self.nouns
        return f"{count} {singular if count == 1 else plural}"


SOURCES = {
    "publication": Source(
        "publication",
        _("Publication"),
        "title",
        (
            ("title", 10),
            ("keywords", 4),
            ("venue", 3),
            ("venue_short", 3),
            ("abstract", 1),
        ),
        nouns=(_("publication"), _("publications")),
    ),
    "person": Source(
        "person",
        _("Person"),
        "full_name",
        (
            ("full_name", 10),
            ("native_name", 10),
            ("interests", 4),
            ("current_position", 2),
            ("bio", 1),
        ),
        nouns=(_("person"), _("people")),
    ),
    "theme": Source(
        "theme",
        _("Research theme"),
        "title",
        (("title", 10), ("summary", 4), ("description", 1)),
        nouns=(_("research theme"), _("research themes")),
    ),
    "grant": Source(
        "grant",
        _("Grant"),
        "title",
        (("title", 10), ("funder", 4), ("programme", 4), ("number", 4)),
        nouns=(_("grant"), _("grants")),
    ),
    "news": Source(
        "news",
        _("News"),
        "title",
        (("title", 10), ("summary", 4), ("body", 1)),
        nouns=(_("news post"), _("news posts")),
    ),
    "talk": Source(
        "talk",
        _("Talk or event"),
        "title",
        (("title", 10), ("event", 4), ("location", 2), ("abstract", 1)),
        nouns=(_("talk or event"), _("talks or events")),
    ),
    "course": Source(
        "course",
        _("Course"),
        "title",
        (("title", 10), ("code", 10), ("term", 2), ("description", 1)),
        nouns=(_("course"), _("courses")),
    ),
}
AUTHOR_WEIGHT = 6
PG_WEIGHTS = {10: "A", 6: "B", 4: "B", 3: "C", 2: "C", 1: "D"}


@dataclass
class Hit:
    kind: str
    label: str
    object: object
    title: str
    snippet: str
    tier: int  # 2: every word in the title or name, 1: some, 0: none
    score: float
    authors: str = ""  # a publication's authors, comma-separated, words marked

    @property
    def url(self):
        return self.object.get_absolute_url()


def terms_of(query):
    """The words of a query (site_config.core.text.words_of)."""
    return words_of(query)


def search(query):
    """Ranked hits over every source for query; [] for an empty query."""
    terms = terms_of(query)
    if not terms:
        return []
    use_postgres = connection.vendor == "postgresql"
    hits = []
    for source, queryset in (
        (SOURCES["publication"], Publication.objects.with_authors()),
        (SOURCES["person"], Person.objects.all()),
        (SOURCES["theme"], ResearchTheme.objects.active()),
        (SOURCES["grant"], Grant.objects.all()),
        (SOURCES["news"], NewsPost.objects.all()),
        (SOURCES["talk"], Talk.objects.all()),
        (SOURCES["course"], Course.objects.all()),
    ):
        hits.extend(_search_source(source, queryset, query, terms, use_postgres))
    hits.sort(key=lambda hit: (-hit.tier, -hit.score, hit.title.casefold()))
    return hits


def _word_match(source, term):
    condition = Q()
    for name, _weight in source.fields:
        condition |= Q(**{f"{name}__folded": term})
    if source.kind == "publication":
        authored = Authorship.objects.filter(
            Q(person__full_name__folded=term) | Q(printed_name__folded=term)
        )
        condition |= Q(pk__in=authored.values("publication"))
    return condition


def _search_source(source, queryset, query, terms, use_postgres):
    every_word = Q()
    for term in terms:
        every_word &= _word_match(source, term)
    if use_postgres:
        vector = _pg_vector(source)
        text_query = SearchQuery(" ".join(terms), search_type="plain", config="simple")
        stemmed = SearchQuery(" ".join(terms), search_type="plain", config="english")
        queryset = queryset.annotate(
            search_rank=SearchRank(vector, text_query) + SearchRank(vector, stemmed),
            title_rank=SearchRank(
                SearchVector(source.title_field, config="english"), stemmed
            ),
            search_vector=vector,
        ).filter(every_word | Q(search_vector=text_query) | Q(search_vector=stemmed))
    else:
        queryset = queryset.filter(every_word)
    rows = list(queryset[:MAX_HITS_PER_KIND])
    return [_hit(source, row, terms) for row in rows]


def _pg_vector(source):
    vector = None
    for name, weight in source.fields:
        for config in ("simple", "english"):
            part = SearchVector(name, weight=PG_WEIGHTS[weight], config=config)
            vector = part if vector is None else vector + part
    return vector


def _hit(source, row, terms):
    title = getattr(row, source.title_field)
    folded_terms = [fold(term) for term in terms]
    folded_title = fold(title)
    in_title = [term in folded_title for term in folded_terms]
    title_rank = getattr(row, "title_rank", 0) or 0
    if all(in_title) or title_rank > 0 and any(in_title):
        tier = 2
    elif any(in_title) or title_rank > 0:
        tier = 1
    else:
        tier = 0
    score = 0.0
    texts = {name: (getattr(row, name) or "") for name, _weight in source.fields}
    if source.kind == "publication":
        texts["authors"] = ", ".join(a.display_name for a in row.ordered_authorships())
    weights = dict(source.fields) | {"authors": AUTHOR_WEIGHT}
    folded_texts = {name: fold(text) for name, text in texts.items()}
    for term in folded_terms:
        for name, text in folded_texts.items():
            if term in text:
                score += weights[name]
    score += float(getattr(row, "search_rank", 0) or 0)
    snippet_source = next(
        (
            texts[name]
            for name, _weight in source.fields
            if name != source.title_field
            and any(t in folded_texts[name] for t in folded_terms)
        ),
        "",
    )
    return Hit(
        kind=source.kind,
        label=source.label,
        object=row,
        title=title,
        snippet=snippet(snippet_source, terms),
        tier=tier,
        score=score,
        authors=snippet(texts.get("authors", ""), terms),
    )


def snippet(text, terms):
    """About SNIPPET_CHARS of plain text around the first matched word, marked.

    Words are found with accents and case ignored (fold_spans), as the
    database found them: "Lahner" marks "Lähner".
    """
    text = " ".join(to_plain(_strip_markdown(text)).split())
    if not text:
        return ""
    spans = fold_spans(text, terms)
    first = spans[0][0] if spans else 0
    start = max(0, first - SNIPPET_CHARS // 3)
    piece = text[start : start + SNIPPET_CHARS]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    marked = []
    position = 0
    for match_start, match_end in fold_spans(piece, terms):
        marked.append(escape(piece[position:match_start]))
        marked.append(f"<mark>{escape(piece[match_start:match_end])}</mark>")
        position = match_end
    marked.append(escape(piece[position:]))
    return mark_safe(prefix + "".join(marked) + suffix)  # noqa: S308 - escaped


def _strip_markdown(text):
    text = re.sub(r"\s*\[@[^\]]*\]", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`#>]+", "", text)


def search_view(request):
    """`/search/?q=`: the one search box's results page."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    hits = search(query) if query else []
    counts = {}
    for hit in hits:
        counts[hit.kind] = counts.get(hit.kind, 0) + 1
    summary = [SOURCES[kind].counted(count) for kind, count in counts.items()]
    return render(
        request,
        "search.html",
        {
            "query": query,
            "hits": hits,
            "summary": summary,
            # Publication hits carry their site numbers, which the legend explains.
            "numbered": "publication" in counts,
            "too_short": bool(query) and not terms_of(query),
        },
    )
