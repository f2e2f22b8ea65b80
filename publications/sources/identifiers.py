"""DOIs and arXiv ids as people paste them, made canonical.

A DOI is ``10.<registrant>/<suffix>`` (DOI Handbook 2.2), case-insensitive, and
comes as ``https://doi.org/…``, ``doi:…`` or bare. An arXiv id is ``YYMM.NNNNN``
(since 2007) or ``archive/YYMMNNN`` (before), with an optional ``vN`` version,
and comes as ``arXiv:…`` or an ``arxiv.org/abs/…`` link (arXiv's identifier
documentation).
"""

import re

_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$", re.I)
_ARXIV = re.compile(
    r"^(?:https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:\s*)?"
    r"(\d{4}\.\d{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?(?:\.pdf)?$",
    re.I,
)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)
_SEPARATORS = re.compile(r"[\s,;]+")
ORCID_ID = re.compile(
    r"^(?:https?://(?:www\.)?orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/?$", re.I
)


def normalise_doi(text):
    """The DOI in ``text`` (a bare DOI, ``doi:`` or a doi.org link), or ''."""
    match = _DOI.match(text.strip())
    return match.group(1).rstrip(".") if match else ""


def normalise_arxiv(text):
    """The arXiv id in ``text``, without its version (``2401.01234``), or ''."""
    text = text.strip()
    doi = _ARXIV_DOI.match(normalise_doi(text) or "")
    if doi:
        text = doi.group(1)
    match = _ARXIV.match(text)
    return match.group(1) if match else ""


def normalise_orcid(text):
    """The ORCID iD in ``text`` (bare or an orcid.org link), or ''.

    The last character is a check digit (ISO 7064 11,2, as ORCID documents); an
    iD whose check digit is wrong is ''.
    """
    match = ORCID_ID.match((text or "").strip())
    if not match:
        return ""
    orcid = match.group(1).upper()
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return orcid if digits[-1] == ("X" if check == 10 else str(check)) else ""


def split_identifiers(text):
    """``(dois, arxiv_ids, unknown)`` from text holding any of them.

    ``text``: identifiers separated by white space, commas or semicolons (as
    typed into the admin's box). An arXiv DOI (``10.48550/arXiv.…``) counts as an
    arXiv id. Each list keeps the first spelling of each identifier, in order.
    """
    dois, arxiv_ids, unknown = [], [], []
    for token in _SEPARATORS.split(text or ""):
        if not token:
            continue
        arxiv = normalise_arxiv(token)
        doi = normalise_doi(token)
        if arxiv:
            if arxiv not in arxiv_ids:
                arxiv_ids.append(arxiv)
        elif doi:
            if doi.lower() not in {d.lower() for d in dois}:
                dois.append(doi)
        else:
            unknown.append(token)
    return dois, arxiv_ids, unknown
