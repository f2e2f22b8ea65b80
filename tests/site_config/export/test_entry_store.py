"""The static export's entry store on disk: later exports (new processes) write
only the entries whose inputs changed, the copy stays the same bytes as a full
export, and the store is emptied when the export's fingerprint changes and
kept bounded."""

import sqlite3

from people.models import Person
from publications.models import Authorship, Publication
from site_config.export.build import export_site
from site_config.export.deps import state_path
from site_config.export.entries import DiskEntryStore, entries_path
from tests.site_config.export.conftest import BASE_URL, mirror_files, stored_keys


def same_as_full(site, fresh):
    export_site(fresh, base_url=BASE_URL, full=True)
    incremental, full = mirror_files(site), mirror_files(fresh)
    assert sorted(incremental) == sorted(full)
    return [name for name in full if incremental[name] != full[name]]


def test_after_an_edit_a_new_export_writes_only_the_edited_entries(demo_site, tmp_path):
    site = tmp_path / "site"
    first = export_site(site, base_url=BASE_URL)
    before = stored_keys(site)
    assert first.entries_written == len(before) > 0

    publication = Publication.objects.filter(authorships__isnull=False).first()
    publication.title = "A Freshly Renamed Paper"
    publication.save()
    # Each export opens the store anew, as a new process does.
    renamed = export_site(site, base_url=BASE_URL)
    after = stored_keys(site)

    new = set(after) - set(before)
    # One publication's entries: its list entry, BibTeX, CSL-JSON, RIS,
    # formatted reference and its page's cite box; each written once, nothing
    # unchanged written again.
    assert 0 < len(new) <= 6
    assert renamed.entries_written == len(new)
    assert renamed.entries_reused > 0
    assert all("A Freshly Renamed Paper" in after[key] for key in new)
    assert same_as_full(site, tmp_path / "fresh") == []


def test_author_edits_and_a_deletion_give_the_same_files_as_a_full_export(
    demo_site, tmp_path
):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    publication = (
        Publication.objects.filter(authorships__position=2).order_by("pk").first()
    )
    first, second = publication.authorships.order_by("position")[:2]
    # Author order: swapped through a free position (positions are unique).
    Authorship.objects.filter(pk=first.pk).update(position=999)
    Authorship.objects.filter(pk=second.pk).update(position=first.position)
    Authorship.objects.filter(pk=first.pk).update(position=second.position)
    first.refresh_from_db()
    first.printed_name = "Printed Otherwise"
    first.equal_contribution = not first.equal_contribution
    first.corresponding = not first.corresponding
    first.save()
    person = Person.objects.filter(authorships__isnull=False).last()
    person.slug = "moved-slug"
    person.full_name = "Another Name"
    person.save()
    export_site(site, base_url=BASE_URL)
    assert same_as_full(site, tmp_path / "fresh") == []

    Publication.objects.exclude(pk=publication.pk).filter(
        authorships__isnull=False
    ).first().delete()
    gone = export_site(site, base_url=BASE_URL)
    assert gone.entries_written == 0
    assert same_as_full(site, tmp_path / "fresh-2") == []


def test_a_full_export_does_not_trust_stored_entries(demo_site, tmp_path):
    site = tmp_path / "site"
    first = export_site(site, base_url=BASE_URL)
    with sqlite3.connect(entries_path(state_path(site))) as db:
        db.execute("UPDATE entries SET text = 'stale entry'")
    full = export_site(site, base_url=BASE_URL, full=True)
    # Every entry written anew, as by the first export.
    assert full.entries_written == first.entries_written
    assert not any(b"stale entry" in data for data in mirror_files(site).values())
    assert "stale entry" not in stored_keys(site).values()


def test_a_new_fingerprint_or_a_fresh_store_starts_empty(tmp_path):
    path = tmp_path / "state.entries.sqlite3"
    store = DiskEntryStore(path, fingerprint="release-1")
    store.put("key", "entry")
    store.finish()
    store.close()

    again = DiskEntryStore(path, fingerprint="release-1")
    assert again.get("key") == "entry"
    assert (again.hits, again.misses, again.writes) == (1, 0, 0)
    again.close()
    moved = DiskEntryStore(path, fingerprint="release-2")
    assert moved.get("key") is None
    assert moved.stored() == 0
    moved.put("key", "entry")
    moved.finish()
    moved.close()
    fresh = DiskEntryStore(path, fingerprint="release-2", fresh=True)
    assert fresh.stored() == 0
    fresh.close()


def test_a_file_that_is_no_database_is_started_afresh(tmp_path):
    path = tmp_path / "state.entries.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    store = DiskEntryStore(path, fingerprint="release-1")
    assert store.get("key") is None
    store.put("key", "entry")
    store.finish()
    assert store.stored() == 1
    store.close()


def test_entries_unused_for_runs_or_past_the_limit_are_dropped(tmp_path):
    path = tmp_path / "state.entries.sqlite3"

    def run(*, read=(), write=(), keep_runs=2, limit=100):
        store = DiskEntryStore(path, fingerprint="f", keep_runs=keep_runs)
        for key in read:
            assert store.get(key) == f"text {key}"
        for key in write:
            store.put(key, f"text {key}")
        store.finish(limit=limit)
        with sqlite3.connect(path) as db:
            keys = {key for (key,) in db.execute("SELECT key FROM entries")}
        store.close()
        return keys

    assert run(write=["old", "kept"]) == {"old", "kept"}
    assert run(read=["kept"]) == {"old", "kept"}
    # Run 3: "old" was last used in run 1, two runs ago.
    assert run(read=["kept"], write=["new"]) == {"kept", "new"}
    # Past the limit the least recently used goes first.
    assert run(read=["new"], write=["newest"], limit=2) == {"new", "newest"}


def test_a_read_renews_its_entry_only_when_the_mark_is_half_the_kept_runs_old(
    tmp_path,
):
    path = tmp_path / "state.entries.sqlite3"

    def marks():
        with sqlite3.connect(path) as db:
            return dict(db.execute("SELECT key, used FROM entries"))

    def run(*, read=(), write=()):
        store = DiskEntryStore(path, fingerprint="f", keep_runs=6)
        for key in read:
            assert store.get(key) == f"text {key}"
        for key in write:
            store.put(key, f"text {key}")
        store.finish()
        store.close()
        return marks()

    assert run(write=["daily", "once"]) == {"daily": 1, "once": 1}
    # Runs 2 and 3 read "daily" without writing its mark (it is not 3 runs old).
    assert run(read=["daily"]) == {"daily": 1, "once": 1}
    assert run(read=["daily"]) == {"daily": 1, "once": 1}
    # Run 4: the mark is 3 runs old, half of keep_runs: renewed.
    assert run(read=["daily"]) == {"daily": 4, "once": 1}
    for _ in range(5, 8):
        seen = run(read=["daily"])
    # Run 7 dropped "once" (unused since run 1, six runs ago); "daily", read on
    # every run, stays.
    assert seen == {"daily": 7}
    for _ in range(8, 30):
        seen = run(read=["daily"])
    assert set(seen) == {"daily"}
