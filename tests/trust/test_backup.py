"""backup_site / restore_site: a restored empty installation serves the same site."""

import io
import re
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
from tests.trust.conftest import image_bytes, stored_files, upload

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
