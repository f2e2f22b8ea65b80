"""An incremental export stays equal to a full one when what pages show moves
without a save: a new local date, a setting that shapes every page, a row
changed with ``QuerySet.update()``."""

from site_config.export.build import export_site
from tests.site_config.export.conftest import BASE_URL, assert_same_as_a_full_export


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
