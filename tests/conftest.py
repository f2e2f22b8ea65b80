"""Factory fixtures shared by the whole suite."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from people.models import Affiliation, Organization, Person
from publications.models import Authorship, Publication
from publications.sources import http
from research.models import ResearchTheme
from tests.support.servers import Server, manage, production_env

ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(
    os.environ.get(
        "LABSITE_SHARED_DIR", Path(__file__).resolve().parent.parent.parent / "shared"
    )
)
BIB_CORPUS = SHARED_DIR / "bib-corpus"


@pytest.fixture
def bib_corpus():
    """The shared real-world BibTeX corpus; skips where it is not checked out."""
    if not BIB_CORPUS.is_dir():
        pytest.skip(
            f"BibTeX corpus not found at {BIB_CORPUS}; set LABSITE_SHARED_DIR to the "
            "folder holding bib-corpus/ (CI does)."
        )
    return BIB_CORPUS


def pytest_addoption(parser):
    parser.addoption(
        "--live",
        action="store_true",
        help="Also run the smoke checks that ask the real Crossref, doi.org, arXiv "
        "and ORCID services (needs internet; never in CI).",
    )


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests never touch the network: metadata services answer from recordings
    (tests/publications/sources/conftest.py's ``replay``) or not at all."""

    def refuse(url, **_kwargs):
        raise AssertionError(f"a test tried to reach {url}; use the replay fixture")

    monkeypatch.setattr(http, "TRANSPORT", refuse)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_person(db):
    def make(full_name="Ada Lovelace", **fields):
        fields.setdefault("is_member", True)
        fields.setdefault("role", Person.Role.PHD)
        return Person.objects.create(full_name=full_name, **fields)

    return make


@pytest.fixture
def make_organization(db):
    def make(name="Example University", **fields):
        return Organization.objects.get_or_create(name=name, defaults=fields)[0]

    return make


@pytest.fixture
def make_affiliation(db, make_organization):
    def make(person, organization_name, *, position=None, **fields):
        if position is None:
            position = person.affiliations.count()
        return Affiliation.objects.create(
            person=person,
            organization=make_organization(organization_name),
            position=position,
            **fields,
        )

    return make


@pytest.fixture
def make_theme(db):
    def make(title="Deep Learning Theory", **fields):
        return ResearchTheme.objects.create(title=title, **fields)

    return make


@pytest.fixture
def make_publication(db):
    """Create a publication; authors are names or Person objects, in order."""

    def make(title="A Paper", *, authors=(), themes=(), equal=(), **fields):
        fields.setdefault("year", 2024)
        publication = Publication.objects.create(title=title, **fields)
        for position, author in enumerate(authors):
            if isinstance(author, str):
                person = Person.objects.filter(full_name=author).first()
                if person is None:
                    person = Person.objects.create(full_name=author)
            else:
                person = author
            Authorship.objects.create(
                publication=publication,
                person=person,
                position=position,
                equal_contribution=position in equal,
            )
        if themes:
            publication.themes.set(themes)
        return publication

    return make


@pytest.fixture
def editor(db, django_user_model):
    return django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="correct horse battery"
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def sqlite_file_env(tmp_path):
    """Environment for subprocesses sharing one migrated SQLite file (shared.sqlite3).

    Locking is what these tests are about, so they need a real file that several
    processes open, not the suite's in-memory database.
    """
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite locking only; PostgreSQL has row locks")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "site_config.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    return env


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="staffer", password="correct horse battery", is_staff=True
    )
    client.force_login(user)
    return client


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    return settings


@pytest.fixture
def visitor(page_cache_on):
    """An anonymous browser with the page cache switched on."""
    return Client()


@pytest.fixture
def second_visitor(page_cache_on):
    return Client()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT filled by collectstatic under production settings."""
    root = tmp_path_factory.mktemp("static")
    scratch = tmp_path_factory.mktemp("collect")
    env = production_env(
        database=scratch / "unused.sqlite3", static_root=root, media_root=scratch
    )
    result = manage(env, "collectstatic", "--noinput", "-v0", check=False)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def start_server():
    started = []

    def start(env, **options):
        server = Server(env, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
