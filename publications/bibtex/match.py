"""Finding the existing record for an entry: publications and people.

Both indexes are built with one query each and then grow as the import creates
records, so an author who appears a thousand times is created once and a work
listed twice (in one file or across files) becomes one publication.
"""

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from people.models import NameVariant, Person
from people.names import name_keys, person_name_fields, split_name
from publications.bibtex import merge
from publications.bibtex.fingerprint import Fingerprint
from publications.bibtex.names import folded
from publications.bibtex.normalise import generated_key, title_key
from publications.models import Publication
from site_config.core.text import fold as fold_text
from site_config.core.text import unique_slugs


@dataclass(slots=True)
class Target:
    """One publication an import writes: an existing row or one to create.

    ``records`` are the ``normalise.Record`` objects of this run that describe
    it; ``fingerprint`` is its ``Fingerprint`` as last imported (empty if new or
    entered by hand); ``identity`` what the matcher compares.
    """

    pk: int | None
    key: str
    fingerprint: Fingerprint = field(default_factory=Fingerprint)
    identity: dict = field(default_factory=dict)
    records: list = field(default_factory=list)
    # Entries whose text is exactly what was imported last time: not re-read.
    unread: list = field(default_factory=list)
    outcome: str = ""
    title_key: str = ""

    @property
    def is_new(self):
        return self.pk is None

    def merged_values(self):
        """What earlier imports and this run's records say, merged; a partial
        entry never clears a field."""
        return merge.merged_values(self.fingerprint.values, self.records)

    def new_values(self):
        """The values a re-import applies: when every entry that made the
        publication is in this run, what they say now, removals included;
        otherwise (another file gave some of it) merged over the last import."""
        read = {record.key.lower() for record in self.records}
        if self.fingerprint.keys and read.issuperset(self.fingerprint.keys):
            return merge.fresh_values(self.records)
        return self.merged_values()

    def merged_authors(self):
        """The author list the records give (``merge.merged_authors``), or None."""
        return merge.merged_authors(
            self.records, self.fingerprint.values, self.fingerprint.authors
        )

    def entry_keys(self):
        return [record.key.lower() for record in self.records]

    def first_family(self, authors):
        """The folded family name of the first of ``authors`` (what
        ``merged_authors`` gave, passed in as the caller has it already), or the
        one imported last when the records give no list."""
        if authors:
            return folded(authors[0].parts.family)
        return self.fingerprint.first_family

    def let_go(self):
        """Forget the values and authors as imported once they are written: the
        row holds them, and a large import would otherwise keep every work's
        values (abstracts and all) to its end. ``fingerprint.values`` is None
        until `read_fingerprints` reads them back; the hash, sources, keys and
        first family, which matching reads, stay."""
        kept = self.fingerprint
        if kept.values:
            self.fingerprint = Fingerprint(
                values=None,
                authors=None,
                hash=kept.hash,
                first_family=kept.first_family,
                sources=kept.sources,
                keys=kept.keys,
            )


def read_fingerprints(targets):
    """Read back, from their rows, the fingerprints that `Target.let_go` forgot,
    for the targets that have records to write again (a later file describes the
    same work). One query per 500 targets; targets that need none, none."""
    stale = {
        target.pk: target
        for target in targets
        if target.records and target.pk and target.fingerprint.values is None
    }
    pks = list(stale)
    for start in range(0, len(pks), 500):
        rows = Publication.objects.filter(pk__in=pks[start : start + 500])
        for pk, data in rows.values_list("pk", "import_fingerprint"):
            stale[pk].fingerprint = Fingerprint.from_json(data)


def _identity(values, first_family, fold=fold_text):
    return {
        "doi": (values.get("doi") or "").lower(),
        "arxiv_id": values.get("arxiv_id") or "",
        "title": title_key(values.get("title") or "", fold),
        "year": values.get("year"),
        "preprint": values.get("status") in Publication.PREPRINT_STATUSES,
        "first_family": first_family,
        "volume": fold(values.get("volume") or ""),
        "pages": fold(values.get("pages") or ""),
    }


def _same_work_by_key(target, identity):
    """A shared key means the same work unless ids differ or titles are unlike.

    Titles may be corrected between imports, so a close title counts; reference
    managers give unrelated works keys like "Matias2016", so an unlike one does not.
    """
    known = target.identity
    if any(
        known[name] and identity[name] and known[name] != identity[name]
        for name in ("doi", "arxiv_id")
    ):
        return False
    titles = {known["title"], target.title_key} - {""}
    return any(
        title == identity["title"]
        or SequenceMatcher(None, title, identity["title"]).ratio() >= 0.75
        for title in titles
    )


def _conflict(a, b):
    """Evidence that two descriptions are different works."""
    return any(
        a[name] and b[name] and a[name] != b[name]
        for name in ("doi", "arxiv_id", "first_family", "volume", "pages")
    )


class PublicationIndex:
    """Existing publications by DOI, arXiv id, key and normalised title.

    At first only which publication each entry text made is loaded: that is all
    a re-import of unchanged text needs. The rest (values as imported, with the
    abstract and all) is loaded on the first lookup by content.
    """

    def __init__(self):
        self.by_doi, self.by_arxiv, self.by_key, self.by_title = {}, {}, {}, {}
        self.by_source = {}
        self._complete = False
        self._early = {}
        rows = Publication.objects.filter(
            import_fingerprint__has_key="hash"
        ).values_list("pk", "bibtex_key", "import_fingerprint__sources")
        for pk, key, sources in rows:
            if sources:
                target = self._early[pk] = Target(pk=pk, key=key)
                for digest in sources:
                    self.by_source.setdefault(digest, target)

    def _load(self):
        if self._complete:
            return
        self._complete = True
        rows = Publication.objects.values_list(
            "pk",
            "bibtex_key",
            "doi",
            "arxiv_id",
            "title",
            "year",
            "status",
            "volume",
            "pages",
            "import_fingerprint",
        )
        # A row's values as stored and as imported are mostly the same strings.
        folded = {}

        def fold(text):
            if text not in folded:
                folded[text] = fold_text(text)
            return folded[text]

        for pk, key, doi, arxiv_id, title, year, status, volume, pages, fp in rows:
            fingerprint = Fingerprint.from_json(fp)
            values = fingerprint.values if fingerprint else {}
            current = {
                "doi": doi,
                "arxiv_id": arxiv_id,
                "title": title,
                "year": year,
                "status": status,
                "volume": volume,
                "pages": pages,
            }
            family = fingerprint.first_family
            # The same object as by_source holds: entries may already be queued on it.
            target = self._early.pop(pk, None) or Target(pk=pk, key=key)
            target.key = key
            target.fingerprint = fingerprint
            target.identity = _identity(current, family, fold)
            if values:
                target.title_key = title_key(values.get("title") or "", fold)
            self._add(target)
            for digest in fingerprint.sources:
                self.by_source.setdefault(digest, target)
            if values:
                # Also findable by what was imported, when an editor changed it since.
                self._register(target, _identity(values, family, fold))
            folded.clear()
        self._early = {}

    def add(self, target):
        self._load()
        self._add(target)

    def _add(self, target):
        if target.key:
            self.by_key.setdefault(target.key.lower(), target)
        self._register(target, target.identity)

    def _register(self, target, identity):
        if identity["doi"]:
            self.by_doi.setdefault(identity["doi"], target)
        if identity["arxiv_id"]:
            self.by_arxiv.setdefault(identity["arxiv_id"], target)
        if identity["title"]:
            titles = self.by_title.setdefault(identity["title"], [])
            if target not in titles:
                titles.append(target)

    def key_taken(self, key):
        self._load()
        return key.lower() in self.by_key

    def find(self, record):
        """(target or None, key_conflict) for a record."""
        self._load()
        identity = record.identity = _identity(record.values, record.first_family)
        for found in (
            self.by_doi.get(identity["doi"]),
            self.by_arxiv.get(identity["arxiv_id"]),
        ):
            if found is not None:
                return found, False
        conflict = False
        if record.key:
            found = self.by_key.get(record.key.lower())
            if found is not None:
                if _same_work_by_key(found, identity):
                    return found, False
                conflict = True
        for candidate in self.by_title.get(identity["title"], ()):
            other = candidate.identity
            if _conflict(other, identity):
                continue
            if other["year"] == identity["year"]:
                return candidate, conflict
            if other["preprint"] != identity["preprint"] and _close_years(
                other["year"], identity["year"]
            ):
                return candidate, conflict
        return None, conflict

    def place(self, record):
        """The Target a normalised record joins: a work found by ``find``
        (merged into it) or a new one under a key made unique."""
        target, key_conflict = self.find(record)
        if target is not None:
            self._merge_into(target, record)
            return target
        key = record.key
        if not key or key_conflict or self.key_taken(key):
            base = key or generated_key(record)
            key, counter = base, 2
            while self.key_taken(key):
                key = f"{base}-{counter}"
                counter += 1
            if record.key:
                record.warnings.append(
                    f"key {record.key!r} is already used by a different work; "
                    f"imported as {key!r}"
                )
            else:
                record.warnings.append(f"entry has no key; imported as {key!r}")
        target = Target(pk=None, key=key[:250])
        self.attach(target, record)
        self.add(target)
        return target

    def _merge_into(self, target, record):
        first = target.records[0] if target.records else None
        # A new work first seen as a preprint takes its published version's key,
        # so the result does not depend on which entry came first.
        adopt = (
            target.is_new
            and first is not None
            and not record.is_preprint
            and all(r.is_preprint for r in target.records)
            and record.key
            and not self.key_taken(record.key)
        )
        if adopt:
            target.key = record.key[:250]
            self.add(target)
        if first is not None:
            kinds = ("preprint", "published version")
            this, other = kinds[not record.is_preprint], kinds[not first.is_preprint]
            record.warnings.append(
                f"{record.key!r} ({this}) is the same work as {first.key!r} at "
                f"line {first.line} ({other}); merged into it, as {target.key!r}"
            )
        elif record.key.lower() != target.key.lower():
            record.warnings.append(
                f"same work as the existing {target.key!r}; merged into it"
            )
        self.attach(target, record)

    def attach(self, target, record):
        """Record joins target; the target becomes findable by its details too."""
        target.records.append(record)
        identity = record.identity
        if not target.records[:-1] and target.is_new:
            target.identity = identity
        else:
            merged = dict(target.identity)
            for name, value in identity.items():
                if name in merge.PUBLISHED_WINS and not record.is_preprint:
                    merged[name] = value or merged[name]
                elif not merged.get(name):
                    merged[name] = value
            merged["preprint"] = target.identity["preprint"] and identity["preprint"]
            target.identity = merged
        self._register(target, identity)


def _close_years(a, b):
    return a is None or b is None or abs(a - b) <= 2


@dataclass(eq=False, slots=True)
class NewPerson:
    """An outside co-author to create: the columns of Person that differ."""

    full_name: str
    given_name: str
    family_name: str
    slug: str
    is_member: bool = False
    role: str = Person.Role.COLLABORATOR
    show_on_people_page: bool = False
    pk: int | None = None


class PeopleIndex:
    """People by their name keys and name variants; creates outside co-authors."""

    def __init__(self):
        self.by_key, self.by_initials = {}, {}
        self.created = []
        self._slug = unique_slugs(Person)
        for pk, full_name in Person.objects.values_list("pk", "full_name"):
            self._register(pk, split_name(full_name))
        for person_id, name in NameVariant.objects.values_list("person_id", "name"):
            self._register(person_id, split_name(name))

    def _register(self, ref, parts):
        key, initials_key, initials_only = _keys(parts)
        self.by_key.setdefault(key, []).append(ref)
        if not initials_only:
            refs = self.by_initials.setdefault(initials_key, [])
            if ref not in refs:
                refs.append(ref)

    def resolve(self, author, warnings):
        """A person's pk, or a new unsaved Person (the same one for the same name)."""
        parts = author.parts
        key, initials_key, initials_only = _keys(parts)
        if initials_only:
            fits = self.by_initials.get(initials_key, [])
            if len(fits) == 1:
                return fits[0]
            if len(fits) > 1:
                warnings.append(
                    f"author {author.display!r} fits {len(fits)} people; "
                    "not linked to any of them (add a name variant to decide)"
                )
        found = self.by_key.get(key)
        if found:
            if len(found) > 1 and len(set(map(_ref_id, found))) > 1:
                warnings.append(
                    f"author {author.display!r} matches {len(found)} people "
                    "with that name; linked to the first"
                )
            return found[0]
        given, family = person_name_fields(parts)
        person = NewPerson(
            full_name=author.display[:200],
            given_name=given[:120],
            family_name=family[:120],
            slug=self._slug(author.display),
        )
        self.created.append(person)
        self._register(person, parts)
        return person


@cache
def _keys(parts):
    """NameParts.key, .initials_key and .is_initials_only, with fold memoised."""
    key, initials_key = name_keys(parts, fold=folded)
    return key, initials_key, parts.is_initials_only


def _ref_id(ref):
    return ref if isinstance(ref, int) else id(ref)


def forget_memos():
    """Empty the memos of this module (the importer does after each run)."""
    _keys.cache_clear()
