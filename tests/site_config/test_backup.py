"""backup_site / restore_site: a restored empty installation serves the same site."""

import io
import json
import os
import re
import stat
import tarfile

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from reversion.models import Version

from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme
from site_config.media.uploads import reencode_image
from site_config.models import NavigationLink, SiteProfile
from tests.support.files import image_bytes, stored_files, upload

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n%%EOF\n"


def build_site(make_person, make_publication, make_theme, make_affiliation):
    import reversion

    profile = SiteProfile.load()
    profile.group_name = "Sparse Lab"
    profile.introduction = "We study *sparsity*."
    profile.logo = reencode_image(upload("l.png", image_bytes("PNG"), "image/png"))
    profile.save()
    NavigationLink.objects.create(label="Blog", url="/blog/", order=5)
    ada = make_person(
        "Ada Lovelace",
        role=Person.Role.PI,
        photo=reencode_image(upload("a.jpg", image_bytes(), "image/jpeg")),
        bio="Analytical **engines**.",
    )
    make_affiliation(ada, "University of London", department="Mathematics")
    parent = make_theme("Learning", summary="How machines learn")
    child = make_theme("Sparse coding", parent=parent)
    child.people.add(ada)
    editor = get_user_model().objects.create_superuser(
        "editor", "e@example.org", "pw-12345"
    )
    with reversion.create_revision():
        reversion.set_user(editor)
        paper = make_publication(
            "Notes on the Engine",
            authors=[ada, "Charles Babbage"],
            themes=[child],
            equal=(0, 1),
            venue="Scientific Memoirs",
            abstract="An *abstract*.",
        )
    paper.pdf = upload("n.pdf", PDF, "application/pdf")
    paper.save()
    make_publication(
        "A Preprint", authors=["Charles Babbage"], status=Publication.Status.PREPRINT
    )


def public_urls():
    urls = [
        reverse(name)
        for name in ["home", "research:list", "people:list", "publications:list"]
    ]
    for model in [Person, ResearchTheme, Publication]:
        urls += [obj.get_absolute_url() for obj in model.objects.order_by("pk")]
    return urls


def snapshot(client):
    pages = {}
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        # Nonces differ per response by design; everything else must match.
        pages[url] = re.sub(r'nonce="[^"]*"', "", response.text)
    return pages


def empty_installation():
    call_command("flush", interactive=False, verbosity=0)


def test_restore_into_empty_installation_gives_the_same_site(
    client,
    make_person,
    make_publication,
    make_theme,
    make_affiliation,
    media_root,
    tmp_path,
):
    build_site(make_person, make_publication, make_theme, make_affiliation)
    before = snapshot(client)
    home = before[reverse("home")]
    assert "Sparse Lab" in home
    assert f"{settings.MEDIA_URL}" in "".join(before.values())
    before_files = {
        name: (media_root / name).read_bytes() for name in stored_files(media_root)
    }
    uploads = [
        Person.objects.get(full_name="Ada Lovelace").photo.name,
        SiteProfile.load().logo.name,
        Publication.objects.get(title="Notes on the Engine").pdf.name,
    ]
    assert set(uploads) <= before_files.keys()
    archive = tmp_path / "site.tar.gz"
    out = io.StringIO()
    call_command("backup_site", str(archive), stdout=out)
    assert "Wrote" in out.getvalue()
    assert f"{len(before_files)} media files" in out.getvalue()

    empty_installation()
    for name in before_files:
        (media_root / name).unlink()
    assert Publication.objects.count() == 0
    assert stored_files(media_root) == []

    out = io.StringIO()
    call_command("restore_site", str(archive), stdout=out)
    assert "Restored" in out.getvalue()
    after = snapshot(client)
    assert after.keys() == before.keys()
    for url, html in before.items():
        assert after[url] == html, url
    assert {
        name: (media_root / name).read_bytes() for name in stored_files(media_root)
    } == before_files
    assert client.login(username="editor", password="pw-12345")
    paper = Publication.objects.get(title="Notes on the Engine")
    version = Version.objects.get_for_object(paper).get()
    assert version.revision.user.username == "editor"


def test_restore_refuses_a_database_that_already_has_content(
    make_person, tmp_path, media_root
):
    make_person("Ada Lovelace")
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive))
    with pytest.raises(CommandError, match="needs an empty installation"):
        call_command("restore_site", str(archive))


def test_dry_runs_write_and_change_nothing(make_person, tmp_path, media_root):
    make_person("Ada Lovelace")
    archive = tmp_path / "site.tar.gz"
    out = io.StringIO()
    call_command("backup_site", str(archive), "--dry-run", stdout=out)
    assert "Would write" in out.getvalue()
    assert not archive.exists()
    call_command("backup_site", str(archive))
    empty_installation()
    out = io.StringIO()
    call_command("restore_site", str(archive), "--dry-run", stdout=out)
    assert "Would restore" in out.getvalue()
    assert Person.objects.count() == 0


def test_restore_rejects_missing_foreign_and_hostile_archives(tmp_path, media_root):
    with pytest.raises(CommandError, match="No such file"):
        call_command("restore_site", str(tmp_path / "nope.tar.gz"))
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a readable"):
        call_command("restore_site", str(junk))

    hostile = tmp_path / "hostile.tar.gz"
    with tarfile.open(hostile, "w:gz") as archive:
        for name, payload in [
            ("manifest.json", b'{"format": "labsite-backup", "version": 1}'),
            ("data.json", b"[]"),
            ("media/../../escaped.txt", b"owned"),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    with pytest.raises(CommandError, match="unsafe entry"):
        call_command("restore_site", str(hostile))
    assert not (media_root.parent / "escaped.txt").exists()


def test_backup_into_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup_site", str(tmp_path / "no" / "site.tar.gz"))


# Issue #13, findings 6 and 10: restore checks what it loads; backups are 0600.


def make_archive(path, *, data, manifest=None, media=(), extra=()):
    """A hand-made archive: data is bytes or a list dumped as JSON."""
    if not isinstance(data, bytes):
        data = json.dumps(data).encode()
    if manifest is None:
        manifest = {"format": "labsite-backup", "version": 1, "objects": {}}
    with tarfile.open(path, "w:gz") as archive:
        members = [
            ("manifest.json", json.dumps(manifest).encode()),
            ("data.json", data),
        ]
        for name, payload in [*members, *media, *extra]:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return path


def person_row(pk, name, **fields):
    return {
        "model": "people.person",
        "pk": pk,
        "fields": {
            "full_name": name,
            "slug": f"p-{pk}",
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            **fields,
        },
    }


def test_backups_are_readable_by_their_owner_only(make_person, tmp_path, media_root):
    make_person("Ada Lovelace")
    archive = tmp_path / "site.tar.gz"
    old = os.umask(0o022)
    try:
        call_command("backup_site", str(archive))
    finally:
        os.umask(old)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


def test_a_manifest_that_lies_about_its_rows_is_refused(tmp_path, media_root):
    archive = make_archive(
        tmp_path / "spaces.tar.gz",
        data=b"[" + b" " * 200_000 + b"]",
        manifest={
            "format": "labsite-backup",
            "version": 1,
            "objects": {"people.Person": 164},
        },
    )
    with pytest.raises(CommandError, match=r"lists 164 people.person rows .* holds 0"):
        call_command("restore_site", str(archive), "--dry-run")
    assert Person.objects.count() == 0


def test_models_that_backup_never_writes_are_refused(tmp_path, media_root):
    session = {
        "model": "sessions.session",
        "pk": "x" * 32,
        "fields": {"session_data": "e30", "expire_date": "2099-01-01T00:00:00Z"},
    }
    archive = make_archive(tmp_path / "s.tar.gz", data=[session])
    with pytest.raises(CommandError, match="sessions.session row"):
        call_command("restore_site", str(archive))


def test_oversized_members_are_refused_before_anything_is_written(
    tmp_path, media_root, settings
):
    settings.BACKUP_MAX_FILE_BYTES = 1000
    archive = make_archive(
        tmp_path / "big.tar.gz",
        data=[],
        media=[("media/a.jpg", b"ok"), ("media/huge.bin", b"\0" * 5000)],
    )
    with pytest.raises(
        CommandError, match="media/huge.bin is 4.9 KB, over the 1000 bytes limit"
    ):
        call_command("restore_site", str(archive))
    assert stored_files(media_root) == []
    settings.BACKUP_MAX_FILE_BYTES = 10_000
    settings.BACKUP_MAX_DATA_BYTES = 1
    with pytest.raises(
        CommandError,
        match=r"data.json is 2 bytes, over the 1 byte limit \(BACKUP_MAX_DATA_BYTES",
    ):
        call_command("restore_site", str(archive))
    settings.BACKUP_MAX_DATA_BYTES = 10_000
    settings.BACKUP_MAX_TOTAL_BYTES = 4000
    with pytest.raises(CommandError, match="BACKUP_MAX_TOTAL_BYTES"):
        call_command("restore_site", str(archive))


def test_a_file_and_a_folder_of_one_name_are_refused_before_writing(
    tmp_path, media_root
):
    archive = make_archive(
        tmp_path / "clash.tar.gz",
        data=[],
        media=[("media/a", b"file"), ("media/a/b", b"under it")],
    )
    with pytest.raises(CommandError, match="media/a as a file and also media/a/b"):
        call_command("restore_site", str(archive))
    assert stored_files(media_root) == []


def test_existing_media_files_are_never_overwritten(tmp_path, media_root):
    (media_root / "photo.jpg").write_bytes(b"mine")
    archive = make_archive(
        tmp_path / "m.tar.gz",
        data=[],
        manifest={
            "format": "labsite-backup",
            "version": 1,
            "objects": {},
            "media_files": 2,
        },
        media=[("media/new.jpg", b"theirs"), ("media/photo.jpg", b"theirs")],
    )
    with pytest.raises(CommandError, match=r"already exist .*photo.jpg"):
        call_command("restore_site", str(archive))
    assert (media_root / "photo.jpg").read_bytes() == b"mine"
    assert not (media_root / "new.jpg").exists()


def test_dry_run_loads_the_rows_and_rolls_back(tmp_path, media_root):
    # An authorship pointing at a publication the archive does not hold: only
    # loading it shows the problem, so a dry run must load.
    rows = [
        person_row(1, "Ada Lovelace"),
        {
            "model": "publications.authorship",
            "pk": 1,
            "fields": {"publication": 999, "person": 1, "position": 0},
        },
    ]
    manifest = {
        "format": "labsite-backup",
        "version": 1,
        "objects": {"people.Person": 1, "publications.Authorship": 1},
    }
    archive = make_archive(tmp_path / "fk.tar.gz", data=rows, manifest=manifest)
    with pytest.raises(CommandError, match="could not be loaded"):
        call_command("restore_site", str(archive), "--dry-run")
    assert Person.objects.count() == 0

    good = make_archive(
        tmp_path / "ok.tar.gz",
        data=rows[:1],
        manifest={**manifest, "objects": {"people.Person": 1}},
    )
    out = io.StringIO()
    call_command("restore_site", str(good), "--dry-run", stdout=out)
    assert "Would restore" in out.getvalue()
    assert "1 people.Person" in out.getvalue()
    assert Person.objects.count() == 0


def test_rows_are_counted_after_loading(tmp_path, media_root):
    # Two rows with one primary key load as one: the count shows it.
    manifest = {
        "format": "labsite-backup",
        "version": 1,
        "objects": {"people.Person": 2},
    }
    archive = make_archive(
        tmp_path / "dup.tar.gz",
        data=[person_row(1, "Ada"), person_row(1, "Charles")],
        manifest=manifest,
    )
    with pytest.raises(CommandError, match="Loading gave 1 people.Person rows"):
        call_command("restore_site", str(archive))
    assert Person.objects.count() == 0


def test_text_holding_nul_is_cleaned_and_named(tmp_path, media_root):
    """A SQLite backup may hold NUL, which PostgreSQL refuses (finding 4)."""
    manifest = {
        "format": "labsite-backup",
        "version": 1,
        "objects": {"people.Person": 1},
    }
    archive = make_archive(
        tmp_path / "nul.tar.gz",
        data=[person_row(7, "Ada\u0000 Lovelace", bio="Bio\u001b")],
        manifest=manifest,
    )
    out = io.StringIO()
    call_command("restore_site", str(archive), stdout=out)
    assert "people.person 7 full_name; people.person 7 bio" in out.getvalue()
    person = Person.objects.get()
    assert (person.full_name, person.bio) == ("Ada Lovelace", "Bio")
