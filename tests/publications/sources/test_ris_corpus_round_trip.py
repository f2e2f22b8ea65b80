"""Every file of the shared corpus: its BibTeX imported, the whole site exported
as RIS, everything deleted and the RIS imported again gives the same
publications, field by field (issue #16: re-importing the same RIS changes
nothing; issue #11: nothing silently dropped).

What RIS cannot say is left out of the comparison, each with its reason: the
list in docs/imports.md ("What a RIS round trip cannot keep")."""

import json
import re

import pytest

from publications.bibtex.export import export, exportable, ris_other_tag
from publications.bibtex.importer import import_bibtex
from publications.bibtex.latex import decode
from publications.bibtex.normalise import MANAGED_FIELDS
from publications.models import Authorship, Publication
from publications.sources.service import import_publications
from tests.support.corpus import ENTRIES, empty_database

pytestmark = pytest.mark.corpus

# Model fields no RIS tag holds: a RIS file cannot bring them back.
NOT_IN_RIS = {
    "status": "RIS has no publication status (accepted, submitted)",
    "abbr": "al-folio's venue badge is a site-only mark",
    "is_selected": "al-folio's selected mark is a site-only mark",
    "bibtex_show": "al-folio's bibtex_show is a site-only mark",
    "code_url": "RIS has one link tag (UR) besides the PDF (L1)",
    "slides_url": "RIS has one link tag (UR) besides the PDF (L1)",
    "video_url": "RIS has one link tag (UR) besides the PDF (L1)",
    "project_url": "RIS has one link tag (UR) besides the PDF (L1)",
    "poster_url": "RIS has one link tag (UR) besides the PDF (L1)",
    "html_url": "RIS has one link tag (UR) besides the PDF (L1)",
    "website_url": "RIS has one link tag (UR) besides the PDF (L1)",
    "supp_url": "RIS has one link tag (UR) besides the PDF (L1)",
    "blog_url": "RIS has one link tag (UR) besides the PDF (L1)",
    "repository_url": "RIS has one link tag (UR) besides the PDF (L1)",
    "license": "RIS has no licence tag",
    "note": "RIS has no tag for an award's badge",
    "award": "RIS has no award tag",
    "additional_info": "RIS has no tag for al-folio's additional_info",
    "authors_et_al": "RIS has no 'and others': each AU is one name",
    "organization": "RIS has no organisation tag (PB is the publisher)",
    "howpublished": "RIS has no tag for BibTeX's howpublished",
    "institution": "RIS has no institution tag: a report's or thesis's PB is "
    "its institution or school, which labsite shows as its venue",
}
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_SUFFIX = re.compile(r", (?:jr|sr|ii|iii|iv)\.?$", re.IGNORECASE)


def _isbn_shaped(value):
    digits = re.sub(r"[\s-]", "", value)
    return len(digits) in (10, 13) and digits[:-1].isdigit()


# What RIS cannot say for some publications only: (fields, reason, test on the
# publication's values before the round trip).
CANNOT_SAY = [
    (
        {"isbn", "issn"},
        "RIS has one SN tag for both, told apart by shape: a value not of its "
        "field's shape (an ISSN in the ISBN field, two numbers in one, a DOI) "
        "comes back where its shape, or the work's type, says",
        lambda row: (
            bool(row["isbn"] and not _isbn_shaped(row["isbn"]))
            or bool(row["issn"] and not _ISSN.match(row["issn"]))
        ),
    ),
    (
        {"version"},
        "RIS's edition tag (ET) holds a version for software and data only",
        lambda row: row["version"] and row["kind"] not in {"software", "dataset"},
    ),
    (
        {"venue", "publisher"},
        "a report's or thesis's PB is read as its institution or school when "
        "the record names no other: a publisher without one comes back as it",
        lambda row: (
            row["kind"] in {"report", "thesis"}
            and row["publisher"]
            and not row["venue"]
        ),
    ),
    (
        {"volume", "number"},
        "a report's lone VL is read as its number, as RIS writers put it",
        lambda row: row["kind"] == "report" and row["volume"] and not row["number"],
    ),
    (
        {"authors", "authors_raw"},
        "RIS separates a name's parts by commas: a name with a comma other "
        "than before its suffix comes back as other parts, or, the only "
        "author, as a list kept whole",
        lambda row: any("," in _SUFFIX.sub("", name) for name in row["authors"]),
    ),
]


def snapshot():
    """Each publication's fields by key, other fields with a RIS tag only,
    and its authors' names in order."""
    authors = {}
    rows = Authorship.objects.order_by("publication_id", "position").values_list(
        "publication_id", "printed_name", "person__full_name"
    )
    for pk, printed, full_name in rows:
        authors.setdefault(pk, []).append(printed or full_name)
    fields = [name for name in MANAGED_FIELDS if name not in NOT_IN_RIS]
    found = {}
    for row in Publication.objects.values("pk", "bibtex_key", *fields).iterator():
        # RIS is plain text: an other field kept as LaTeX comes back as the
        # text it means ("{\\"a}" as "ä"), written as LaTeX again.
        row["other_fields"] = {
            name: decode(value)
            for name, value in row["other_fields"].items()
            if ris_other_tag(name)
        }
        row["authors"] = authors.get(row.pop("pk"), [])
        found[row["bibtex_key"]] = row
    return found


def differences(before, after):
    """(key, field, before, after) for every field that changed."""
    changed = []
    for key, row in before.items():
        again = after.get(key)
        if again is None:
            changed.append((key, "(publication)", "present", "missing"))
            continue
        unsaid = set()
        for names, _reason, applies in CANNOT_SAY:
            if applies(row):
                unsaid |= names
        changed.extend(
            (key, name, value, again[name])
            for name, value in row.items()
            if again[name] != value and name not in unsaid
        )
    changed.extend(
        (key, "(publication)", "absent", "new") for key in after.keys() - before.keys()
    )
    return changed


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_the_sites_ris_export_imports_back_to_the_same_publications(
    db, bib_corpus, name
):
    import_bibtex(sources=[bib_corpus / name])
    before = snapshot()
    text = export(exportable().order_by("pk"), "ris")
    empty_database()
    report = import_publications(files=[("site.ris", text)])
    assert report.failed == 0
    changed = differences(before, snapshot())
    assert changed == [], "\n".join(
        json.dumps(c, ensure_ascii=False, default=str) for c in changed
    )
