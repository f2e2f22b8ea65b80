"""Every corpus file: BibTeX import → the site's CSL-JSON export → import into an
empty database gives the same publications, field by field, for every field CSL
can express (issue #16: re-importing the same CSL-JSON changes nothing; issue
#11: nothing silently dropped). What CSL cannot say is named below, each with
its reason, as docs/imports.md ("CSL-JSON") lists it."""

import pytest

from publications.bibtex.export import csl_other_fields, export, exportable
from publications.bibtex.importer import import_bibtex
from publications.models import Publication
from publications.sources.service import import_publications
from tests.support.corpus import (
    ENTRIES,
    SNAPSHOT_FIELDS,
    empty_database,
    snapshot,
)

pytestmark = pytest.mark.corpus

# Model fields CSL-JSON has no variable for: never compared.
NOT_IN_CSL = {
    "abbr": "a site-only label",
    "is_selected": "a site-only flag",
    "bibtex_show": "a site-only flag",
    "note": "an award's name",
    "award": "an award",
    "additional_info": "al-folio's additional information",
    "howpublished": "BibTeX's howpublished beside a venue",
    "license": "a software licence",
    "repository_url": "a repository, which CSL cannot tell from the work's URL",
    "pdf_url": "al-folio's link",
    "code_url": "al-folio's link",
    "slides_url": "al-folio's link",
    "video_url": "al-folio's link",
    "project_url": "al-folio's link",
    "poster_url": "al-folio's link",
    "html_url": "al-folio's link",
    "website_url": "al-folio's link",
    "supp_url": "al-folio's link",
    "blog_url": "al-folio's link",
    # One CSL publisher stands for BibTeX's publisher, institution and
    # organization: compared as one value below.
    "publisher": "compared as the publishing body",
    "institution": "compared as the publishing body",
    "organization": "compared as the publishing body",
    # BibTeX fields with no CSL variable; those named as one (pmid) are
    # compared below, as text.
    "other_fields": "compared for the fields named as CSL variables",
}
COMPARED = [name for name in SNAPSHOT_FIELDS if name not in NOT_IN_CSL]
INDEX = {name: SNAPSHOT_FIELDS.index(name) for name in SNAPSHOT_FIELDS}
BODY_KINDS = {Publication.Kind.THESIS, Publication.Kind.REPORT}


def comparable(values, authors):
    """What CSL-JSON carries of one snapshot row, as comparable values.

    Authors are compared by name in order (CSL has no author marks). An
    author list kept whole as written (``authors_raw``: BibTeX's rules could
    not split it) is one literal name in CSL, and a name written ``{Others}``
    is CSL's literal "others", et al.: both are left out of the comparison.
    """
    row = {name: values[INDEX[name]] for name in COMPARED}
    raw = row.pop("authors_raw")
    names = [author[0] for author in authors]
    if raw or any(name.lower() == "others" for name in names):
        row.pop("authors_et_al")
    else:
        row["authors"] = names
    body = next(
        (values[INDEX[name]] for name in ("publisher", "institution", "organization")
         if values[INDEX[name]]),
        "",
    )  # fmt: skip
    if row["kind"] in BODY_KINDS and not row["venue"]:
        # CSL names a thesis's university and a report's institution as its
        # publisher: a publisher with no school reads back as the school.
        row["venue"], body = body, ""
    row["body"] = body
    row["csl other fields"] = csl_other_fields(values[INDEX["other_fields"]])
    return row


def differences(before, after):
    """(key, field, before, after) for each value that changed."""
    found = []
    for key, (values, authors) in before.items():
        if key not in after:
            found.append((key, "publication", "present", "missing"))
            continue
        old, new = comparable(values, authors), comparable(*after[key])
        found.extend(
            (key, name, old[name], new.get(name))
            for name in old
            if old[name] != new.get(name)
        )
    found.extend(
        (key, "publication", "absent", "new") for key in after.keys() - before.keys()
    )
    return found


def csl_round_trip(path):
    import_bibtex(sources=[path])
    before = snapshot()
    text = export(exportable().order_by("pk"), "csl-json")
    empty_database()
    report = import_publications(files=[("export.json", text)])
    assert report.failed == 0
    assert report.created == len(before)
    return before, snapshot()


# The Zotero library and TUGboat (7,166 and 2,720 entries) take most of the
# time: marked slow, so the quick run can leave them out (-m "not slow").
SLOW = {"zbb__zotero-bbt-library-issue1436.bib", "pybtex__tugboat.bib"}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=[pytest.mark.slow] if name in SLOW else [])
        for name in sorted(ENTRIES)
    ],
)
def test_csl_json_export_reimports_every_field_csl_can_express(db, bib_corpus, name):
    before, after = csl_round_trip(bib_corpus / name)
    assert differences(before, after) == []
