"""``sync_orcid``: a person's ORCID works imported, linked, and re-synced safely."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from publications.models import ImportRun, Publication
from publications.sources.orcid_sync import link_person
from site_config.pagecache.cache import read_db_version
from tests.publications.sources.conftest import ORCID, offline_error


def sync(*args):
    out = io.StringIO()
    call_command("sync_orcid", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def carberry(make_person):
    return make_person("Josiah Carberry", orcid=ORCID)


def test_sync_imports_every_work_by_its_best_source_and_links_the_person(
    recorded, carberry
):
    out = sync("--person", carberry.slug, "-v", "2")
    assert "4 entries: 4 created" in out
    # Crossref's record of the DOI work does not list him: reported, not guessed.
    assert "Josiah Carberry is not among the authors of 'Van der Waals" in out
    by_doi = Publication.objects.get(doi="10.1103/PhysRevB.99.125411")
    assert by_doi.venue == "Physical Review B"  # Crossref's record, not ORCID's
    preprint = Publication.objects.get(arxiv_id="2401.01234")
    assert preprint.status == "preprint"
    own = Publication.objects.get(
        title="Psychoceramics in the Workplace: A Field Study"
    )
    assert own.venue == "Proceedings of the Brown Workshop on Cracked Pots"
    fallback = Publication.objects.get(title="Die Keramik des Geistes")
    assert fallback.doi == "10.9999/unknown.42"
    linked = Publication.objects.filter(authorships__person=carberry)
    assert set(linked.values_list("title", flat=True)) == {
        own.title,
        fallback.title,
    }
    carberry.refresh_from_db()
    assert carberry.orcid_synced_at is not None


def test_person_named_differently_on_the_work_is_linked(recorded, make_person):
    zoe = make_person("Zoë Müller-Schmidt", orcid=ORCID)
    zoe.family_name = "Müller"
    zoe.given_name = "Zoë"
    zoe.save()
    sync("--person", zoe.slug)
    linked = Publication.objects.filter(authorships__person=zoe)
    assert set(linked.values_list("doi", flat=True)) >= {"10.1103/PhysRevB.99.125411"}
    assert linked.filter(arxiv_id="2401.01234").exists()


def test_resync_changes_nothing(recorded, carberry):
    sync()
    titles = sorted(Publication.objects.values_list("title", "venue", "year"))
    out = sync()
    assert "4 entries: 0 created, 0 updated, 4 unchanged" in out
    assert sorted(Publication.objects.values_list("title", "venue", "year")) == titles


def test_dry_run_writes_nothing(recorded, carberry):
    assert "Dry run" in sync("--dry-run")
    assert Publication.objects.count() == 0
    carberry.refresh_from_db()
    assert carberry.orcid_synced_at is None


def test_sync_is_kept_in_the_history(recorded, carberry):
    sync()
    run = ImportRun.objects.get()
    assert (run.source, run.state, run.created) == ("orcid", "done", 4)
    assert ORCID in run.description


def test_no_network_stops_before_writing(replay, carberry):
    replay.fail(f"https://pub.orcid.org/v3.0/{ORCID}/works", offline_error())
    with pytest.raises(CommandError, match="Cannot reach pub.orcid.org"):
        sync()
    assert Publication.objects.count() == 0
    carberry.refresh_from_db()
    assert carberry.orcid_synced_at is None


def test_person_without_orcid_or_unknown_slug(make_person, db):
    ada = make_person("Ada Lovelace")
    with pytest.raises(CommandError, match="Ada Lovelace has no ORCID iD"):
        sync("--person", ada.slug)
    with pytest.raises(CommandError, match="No person with slug 'nobody'"):
        sync("--person", "nobody")
    assert "Nobody has an ORCID iD" in sync()


def test_malformed_orcid_is_named(make_person, replay):
    bad = make_person("Bad Id", orcid="0000-0002-1825-0098")
    with pytest.raises(CommandError, match="not valid"):
        sync("--person", bad.slug)
    assert replay.requests == []


def test_one_bad_orcid_does_not_stop_the_others(recorded, carberry, make_person):
    make_person("Bad Id", orcid="0000-0002-1825-0098")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 entries failed"):
        call_command("sync_orcid", stdout=out)
    assert "Bad Id's ORCID iD '0000-0002-1825-0098' is not valid" in out.getvalue()
    assert Publication.objects.count() == 4
    carberry.refresh_from_db()
    assert carberry.orcid_synced_at is not None


def test_linking_a_person_moves_the_content_stamp(transactional_db, make_person):
    # The link is written with update(), which sends no signal: without the
    # stamp, cached pages and the static export kept the old author.
    zoe = make_person("Zoë Müller", orcid=ORCID)
    zoe.family_name, zoe.given_name = "Müller", "Zoë"
    zoe.save()
    other = make_person("Z. Müller")
    other.family_name, other.given_name = "Müller", "Z."
    other.save()
    work = Publication.objects.create(title="Linked work", doi="10.1234/linked")
    work.authorships.create(person=other, position=1)
    before = read_db_version()
    entry = SimpleNamespace(key="linked", fields={"doi": "10.1234/linked"})
    assert link_person(zoe, [entry]) == (1, [])
    assert read_db_version() != before
    assert work.authorships.get().person == zoe
