"""An incremental export stays equal to a full one when what pages show moves
without a save: a new local date, a setting that shapes every page, a row
changed with ``QuerySet.update()``."""

import datetime
from unittest import mock

from django.utils import timezone

from news.models import Talk
from publications.models import Publication
from site_config.export.build import export_site
from tests.site_config.export.conftest import BASE_URL, assert_same_as_a_full_export


def test_a_new_local_date_renders_the_pages_that_choose_by_date(demo_site, tmp_path):
    today = timezone.localdate()
    Talk.objects.create(title="A Talk Given Today", start_date=today)
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    assert b"A Talk Given Today" in (site / "index.html").read_bytes()

    tomorrow = today + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        report = export_site(site, base_url=BASE_URL)
        assert not report.up_to_date
        # The talk is over: off the home page's upcoming talks.
        assert b"A Talk Given Today" not in (site / "index.html").read_bytes()
        assert_same_as_a_full_export(site, tmp_path / "fresh")
        assert export_site(site, base_url=BASE_URL).up_to_date


def test_a_changed_time_zone_renders_every_page(demo_site, tmp_path, settings):
    site = tmp_path / "site"
    first = export_site(site, base_url=BASE_URL)
    settings.TIME_ZONE = "Pacific/Kiritimati"
    report = export_site(site, base_url=BASE_URL)
    assert not report.up_to_date
    assert report.pages_rendered == first.pages_rendered
    assert_same_as_a_full_export(site, tmp_path / "fresh")


def test_a_changed_language_code_renders_every_page(demo_site, tmp_path, settings):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    settings.LANGUAGE_CODE = "en-gb"
    assert not export_site(site, base_url=BASE_URL).up_to_date


def test_an_update_outside_saves_is_exported(demo_site, tmp_path):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    publication = Publication.objects.order_by("pk").first()
    # No save signal: the content stamp does not move.
    Publication.objects.filter(pk=publication.pk).update(title="Renamed By Update")
    report = export_site(site, base_url=BASE_URL)
    assert not report.up_to_date
    assert 0 < report.pages_written
    assert_same_as_a_full_export(site, tmp_path / "fresh")
    assert export_site(site, base_url=BASE_URL).up_to_date
