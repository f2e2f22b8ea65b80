"""EXPORT_ON_SAVE: a committed edit re-exports the mirror through a task."""

from django.core.management import call_command

from publications.models import Publication
from site_config.export import tasks
from site_config.export.build import earlier_base_url
from tests.site_config.export.conftest import BASE_URL


class _Recorder:
    """Stands in for the task: records each enqueue instead of exporting."""

    def __init__(self, calls):
        self.calls = calls

    def enqueue(self):
        self.calls.append(1)


def test_a_save_queues_one_refresh_per_transaction(
    make_publication,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    settings.EXPORT_ON_SAVE = True
    settings.EXPORT_DIR = str(tmp_path)
    queued = []
    monkeypatch.setattr(tasks, "refresh_mirror", _Recorder(queued))
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            make_publication(title=f"Paper {n}")
    assert queued == [1]


def test_nothing_is_queued_when_the_setting_is_off(
    make_publication,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    settings.EXPORT_ON_SAVE = False
    settings.EXPORT_DIR = str(tmp_path)
    queued = []
    monkeypatch.setattr(tasks, "refresh_mirror", _Recorder(queued))
    with django_capture_on_commit_callbacks(execute=True):
        make_publication()
    assert queued == []


def test_an_editors_save_shows_in_the_mirror(demo_site, settings, tmp_path):
    site = tmp_path / "site"
    settings.EXPORT_DIR = str(site)
    settings.EXPORT_BASE_URL = BASE_URL
    call_command("export_site", str(site), "--base-url", BASE_URL, verbosity=0)
    settings.EXPORT_ON_SAVE = True
    publication = Publication.objects.order_by("pk").first()
    publication.title = "Renamed While The Mirror Watches"
    publication.save()  # tests run tasks at once (the immediate backend)
    page = site / publication.get_absolute_url().lstrip("/") / "index.html"
    assert "Renamed While The Mirror Watches" in page.read_text()


def test_the_on_save_export_keeps_the_base_url_the_mirror_was_made_for(
    demo_site, settings, tmp_path
):
    # Made by hand for its published address; the setting is left at its
    # default (localhost).
    site = tmp_path / "site"
    settings.EXPORT_DIR = str(site)
    settings.EXPORT_BASE_URL = "http://localhost:8000/"
    call_command("export_site", str(site), "--base-url", BASE_URL, verbosity=0)
    settings.EXPORT_ON_SAVE = True
    publication = Publication.objects.order_by("pk").first()
    publication.title = "Renamed For The Published Copy"
    publication.save()
    page = (
        site / publication.get_absolute_url().lstrip("/") / "index.html"
    ).read_text()
    assert "Renamed For The Published Copy" in page
    assert "localhost:8000" not in page
    assert "localhost:8000" not in (site / "sitemap.xml").read_text()
    assert earlier_base_url(site) == BASE_URL
