"""What search engines and reference managers read from a page's head.

Google Scholar's Highwire Press `citation_*` tags, schema.org JSON-LD
(ScholarlyArticle; people/metadata.py has Person and ResearchOrganization)
and OpenGraph. Titles, names and venues go out as
plain text (site_config.markup.plaintext: math and TeX as Unicode, no tags).
"""

import re

from django.utils.text import Truncator

from publications.bibtex.export import to_bibtex
from site_config.markup.metadata import absolute as _absolute
from site_config.markup.metadata import plain_text
from site_config.markup.plaintext import to_plain


def _page_range(pages):
    parts = [p.strip() for p in re.split(r"\s*(?:--|–|—|-)\s*", pages or "") if p]
    if not parts:
        return "", ""
    return parts[0], parts[-1] if len(parts) > 1 else ""


def publication_date(publication, *, separator="/"):
    if not publication.year:
        return ""
    if publication.month:
        return f"{publication.year:04d}{separator}{publication.month:02d}"
    return f"{publication.year:04d}"


def highwire_tags(publication, request=None):
    """[(name, content), ...] of Google Scholar's citation_* tags, authors in order."""
    kinds = type(publication).Kind
    tags = [("citation_title", to_plain(publication.title))]
    tags += [
        ("citation_author", to_plain(authorship.display_name))
        for authorship in publication.ordered_authorships()
    ]
    date = publication_date(publication)
    if date:
        tags.append(("citation_publication_date", date))
    venue = to_plain(publication.venue or publication.venue_short)
    if venue:
        if publication.kind == kinds.CONFERENCE:
            tags.append(("citation_conference_title", venue))
        elif publication.kind == kinds.THESIS:
            tags.append(("citation_dissertation_institution", venue))
        elif publication.kind == kinds.REPORT:
            tags.append(("citation_technical_report_institution", venue))
        elif publication.kind in {kinds.BOOK, kinds.CHAPTER}:
            tags.append(("citation_inbook_title", venue))
        else:
            tags.append(("citation_journal_title", venue))
    if publication.publisher:
        tags.append(("citation_publisher", publication.publisher))
    if publication.volume:
        tags.append(("citation_volume", publication.volume))
    if publication.number:
        tags.append(("citation_issue", publication.number))
    first, last = _page_range(publication.pages)
    if first:
        tags.append(("citation_firstpage", first))
    if last:
        tags.append(("citation_lastpage", last))
    if publication.doi:
        tags.append(("citation_doi", publication.doi))
    if publication.arxiv_id:
        tags.append(("citation_arxiv_id", publication.arxiv_id))
    for name, value in (
        ("citation_pmid", publication.pmid),
        ("citation_isbn", publication.isbn),
        ("citation_issn", publication.issn),
    ):
        if value:
            tags.append((name, value))
    if publication.pdf_link:
        tags.append(("citation_pdf_url", _absolute(request, publication.pdf_link)))
    tags.append(
        (
            "citation_abstract_html_url",
            _absolute(request, publication.get_absolute_url()),
        )
    )
    if publication.keywords:
        tags.append(("citation_keywords", publication.keywords))
    return tags


def _person_ref(person, request):
    ref = {"@type": "Person", "name": person.full_name}
    if person.is_member:
        ref["url"] = _absolute(request, person.get_absolute_url())
    if person.orcid:
        ref["identifier"] = person.orcid_url
    return ref


def scholarly_article(publication, request=None):
    """schema.org ScholarlyArticle for a publication page."""
    url = _absolute(request, publication.get_absolute_url())
    title = to_plain(publication.title)
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": url,
        "url": url,
        "name": title,
        "headline": Truncator(title).chars(110),
        "author": [
            _person_ref(authorship.person, request)
            | {"name": to_plain(authorship.display_name)}
            for authorship in publication.ordered_authorships()
        ],
    }
    date = publication_date(publication, separator="-")
    if date:
        data["datePublished"] = date
    if publication.abstract:
        data["abstract"] = plain_text(publication.abstract, words=0)
    venue = to_plain(publication.venue or publication.venue_short)
    if venue:
        data["isPartOf"] = {"@type": "PublicationVolume", "name": venue}
        if publication.volume:
            data["isPartOf"]["volumeNumber"] = publication.volume
    if publication.publisher:
        data["publisher"] = {"@type": "Organization", "name": publication.publisher}
    if publication.pages:
        data["pagination"] = publication.pages_display
    if publication.keywords:
        data["keywords"] = publication.keywords
    same_as = [u for u in (publication.doi_url, publication.arxiv_url) if u]
    if same_as:
        data["sameAs"] = same_as
    if publication.doi:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "DOI",
            "value": publication.doi,
        }
    if publication.pdf_link:
        data["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": _absolute(request, publication.pdf_link),
            "encodingFormat": "application/pdf",
        }
    return data


def bibtex_text(publication):
    """The publication's BibTeX entry, as the BibTeX download gives it."""
    return to_bibtex(publication, site_fields=False).strip()
