"""The site profile is read once per export process (site_config.models
keeping_profile), and every page still depends on it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.models import Publication
from site_config.export.build import export_site
from site_config.models import SiteProfile, keeping_profile
from tests.site_config.export.conftest import BASE_URL, assert_same_as_a_full_export

TABLE = SiteProfile._meta.db_table


def profile_reads(queries):
    """The queries of SiteProfile.load (the export also reads the table's
    rows for its digests, and the sitemap its latest change)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT")
        and f'FROM "{TABLE}"' in q["sql"]
        and q["sql"].endswith("LIMIT 1")
    ]


def test_inside_the_block_the_profile_is_read_once_and_each_use_noted(db):
    SiteProfile.load()  # created outside
    noted = []
    with CaptureQueriesContext(connection) as queries:
        with keeping_profile(lambda *args: noted.append(args)):
            first = SiteProfile.load()
            assert SiteProfile.load() is first
            assert SiteProfile.load() is first
        outside = SiteProfile.load()
    assert len(profile_reads(queries.captured_queries)) == 2
    assert noted == [(TABLE, "id", [first.pk])] * 2
    assert outside is not first
    assert outside.pk == first.pk


def test_a_profile_made_inside_the_block_is_kept(db):
    SiteProfile.objects.all().delete()
    with keeping_profile(lambda *args: None):
        made = SiteProfile.load()
        assert SiteProfile.load() is made
    assert SiteProfile.objects.count() == 1


def test_an_export_reads_the_profile_once_and_a_profile_edit_renders_every_page(
    demo_site, tmp_path
):
    site = tmp_path / "site"
    with CaptureQueriesContext(connection) as queries:
        first = export_site(site, base_url=BASE_URL, jobs=1)
    assert first.pages_rendered > 100
    # The load, and the export's recorder running it again for its digest
    # (site_config.export.deps): not one a page.
    assert len(profile_reads(queries.captured_queries)) <= 2

    profile = SiteProfile.load()
    profile.group_name = "The Renamed Group"
    profile.save()
    again = export_site(site, base_url=BASE_URL, jobs=1)
    publication = Publication.objects.order_by("pk").first()
    page = site / publication.get_absolute_url().lstrip("/") / "index.html"
    assert "The Renamed Group" in page.read_text()
    # Every HTML page names the group; feeds and cards too.
    assert again.pages_written > 100
    assert_same_as_a_full_export(site, tmp_path / "fresh")
