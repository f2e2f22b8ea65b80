"""Digests of publications' rows kept from one export to the next.

Entries are keyed by a digest of each publication's row, its authorship rows
and its authors' person rows (publications.downloads). An export keeps them
in its entry store for the next run, which reads again only those of the
publications whose rows changed since: the kept digests must then be exactly
those read afresh, or an entry made from old rows would be taken as current.
"""

import itertools

from news.models import NewsPost
from people.models import Person
from publications import downloads
from publications.entries import EntryStore
from publications.models import Authorship, Publication
from site_config.export import build
from site_config.export.build import export_site
from site_config.export.deps import state_path
from site_config.export.entries import DiskEntryStore, entries_path
from tests.site_config.export.conftest import BASE_URL, assert_same_as_a_full_export


def kept_for_next_run(site):
    """The digests the last export into site kept, as the next run sees them."""
    store = DiskEntryStore(entries_path(state_path(site)), fingerprint=_fingerprint())
    try:
        return store.saved_inputs()
    finally:
        store.close()


def _fingerprint():
    return build._fingerprint(build.mirror_site(BASE_URL))


def read_afresh():
    return downloads._digests(None)


def test_an_export_keeps_every_publications_digest_for_the_next(demo_site, tmp_path):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    kept = kept_for_next_run(site)
    assert set(kept) == set(Publication.objects.values_list("pk", flat=True))
    assert kept == read_afresh()


def test_after_edits_to_each_kind_of_row_the_kept_digests_are_current(
    demo_site, tmp_path
):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)

    def edit_person():
        # A person's name: every paper they wrote has a new digest.
        person = Person.objects.filter(authorships__isnull=False).distinct().first()
        person.full_name = "Renamed Person"
        person.save()

    def move_authorship():
        # An authorship moved to another paper: both papers change.
        moved = Authorship.objects.order_by("-pk").first()
        target = (
            Publication.objects.exclude(pk=moved.publication_id)
            .exclude(authorships__person=moved.person)
            .order_by("pk")
            .first()
        )
        Authorship.objects.filter(pk=moved.pk).update(publication=target, position=900)

    def delete_and_add():
        Publication.objects.order_by("-pk").first().delete()
        added = Publication.objects.create(title="A New Paper", year=2026, slug="new")
        person = Person.objects.order_by("pk").first()
        Authorship.objects.create(publication=added, person=person, position=1)

    for edit in (edit_person, move_authorship, delete_and_add):
        before = read_afresh()
        edit()
        assert read_afresh() != before
        export_site(site, base_url=BASE_URL)
        assert kept_for_next_run(site) == read_afresh(), edit.__name__
    assert_same_as_a_full_export(site, tmp_path / "fresh")


def test_an_export_with_no_change_keeps_them_as_they_were(demo_site, tmp_path):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    first = kept_for_next_run(site)
    publication = Publication.objects.order_by("pk").first()
    publication.title = "Retitled"
    publication.save()
    export_site(site, base_url=BASE_URL)
    export_site(site, base_url=BASE_URL)
    kept = kept_for_next_run(site)
    assert kept == read_afresh()
    assert kept[publication.pk] != first[publication.pk]
    assert {pk: v for pk, v in kept.items() if pk != publication.pk} == {
        pk: v for pk, v in first.items() if pk != publication.pk
    }


def test_an_export_that_saw_rows_change_under_it_keeps_none(
    demo_site, tmp_path, monkeypatch
):
    site = tmp_path / "site"
    # The content stamp moves between its reads: an editor saved meanwhile.
    stamps = itertools.count()
    monkeypatch.setattr(build, "_stamp", lambda: next(stamps))
    export_site(site, base_url=BASE_URL)
    assert kept_for_next_run(site) == {}


def test_a_change_without_a_stamp_while_pages_render_leaves_no_old_digest(
    demo_site, tmp_path, monkeypatch
):
    # A full export reads every digest before its pages and the rows' states
    # after them; QuerySet.update() in between moves no content stamp. The
    # digest kept must be the row's as stored, not the one read before.
    site = tmp_path / "site"
    publication = Publication.objects.filter(authorships__isnull=False).first()
    save_row_states = build._Walk.save_row_states

    def update_then_save(self, stamp):
        Publication.objects.filter(pk=publication.pk).update(title="Raced")
        return save_row_states(self, stamp)

    with monkeypatch.context() as patch:
        patch.setattr(build._Walk, "save_row_states", update_then_save)
        export_site(site, base_url=BASE_URL)
    assert kept_for_next_run(site) == read_afresh()

    other = Publication.objects.exclude(pk=publication.pk).first()
    other.title = "Saved Later"
    other.save()
    export_site(site, base_url=BASE_URL)
    assert kept_for_next_run(site) == read_afresh()
    # The whole list's download, rendered again for the later edit, holds the
    # row as it is (its entry keyed by the digest read after the update).
    bibtex = (site / "publications" / "export.bib").read_text()
    assert "Raced" in bibtex
    assert "Saved Later" in bibtex


def test_digests_serve_one_run_and_a_run_that_saves_none_leaves_none(tmp_path):
    path = tmp_path / "state.entries.sqlite3"
    digests = {7: (b"d" * 16, frozenset({1, 2}), frozenset({10, 11}))}
    first = DiskEntryStore(path, fingerprint="f")
    first.save_inputs(digests)
    first.close()
    second = DiskEntryStore(path, fingerprint="f")
    assert second.saved_inputs() == digests
    assert second.take_inputs() == digests
    # Stopped midway: it saves nothing.
    second.close()
    third = DiskEntryStore(path, fingerprint="f")
    assert third.take_inputs() == {}
    third.close()


def test_nothing_is_restored_unless_all_three_tables_changes_are_known(
    demo_site,
):
    store = EntryStore(keep_inputs=True)
    saved = read_afresh()
    known = {Publication._meta.db_table, Authorship._meta.db_table}
    assert downloads.restore_inputs(store, saved, {}, known) is None
    assert store.inputs == {}
    known.add(Person._meta.db_table)
    assert downloads.restore_inputs(store, saved, {}, known) == 0
    assert store.inputs == saved


def test_an_export_after_one_that_kept_none_reads_and_keeps_them_all(
    demo_site, tmp_path
):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    # As after an export stopped midway: nothing kept.
    store = DiskEntryStore(entries_path(state_path(site)), fingerprint=_fingerprint())
    store.take_inputs()
    store.close()
    # An edit no download reads: no page of this export reads the digests.
    post = NewsPost.objects.order_by("pk").first()
    post.title = "Retitled News"
    post.save()
    export_site(site, base_url=BASE_URL)
    assert kept_for_next_run(site) == read_afresh()
