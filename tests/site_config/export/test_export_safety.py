"""export_site refuses what would harm files or publish wrong addresses, and says
why in one sentence; the head's addresses (og:url, og:image, JSON-LD) work under
a sub-path and --check follows them."""

import errno
import fcntl
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from people.models import Person
from publications.models import Publication
from site_config.export import build, files
from site_config.export import site as site_module
from site_config.export.build import MANIFEST
from site_config.export.check import check_mirror
from site_config.export.entries import DiskEntryStore
from site_config.management.commands import export_site as export_site_command
from tests.site_config.export.conftest import (
    BASE_URL,
    assert_same_as_a_full_export,
    run_export,
)


def run(directory, *args):
    return "".join(run_export(directory, *args))


def test_a_folder_with_other_files_is_refused_unless_forced(db, tmp_path):
    folder = tmp_path / "homework"
    folder.mkdir()
    (folder / "index.html").write_text("my own page")
    with pytest.raises(CommandError, match=r"is not empty and holds no earlier export"):
        run(folder)
    assert (folder / "index.html").read_text() == "my own page"
    assert not (folder / MANIFEST).exists()


def test_force_writes_into_a_folder_with_other_files(db, tmp_path):
    folder = tmp_path / "homework"
    folder.mkdir()
    (folder / "notes.txt").write_text("kept")
    run(folder, "--force")
    assert (folder / MANIFEST).is_file()
    assert (folder / "index.html").is_file()
    assert (folder / "notes.txt").read_text() == "kept"
    # Now it holds an export: the next run needs no --force.
    run(folder)


def test_a_path_under_a_regular_file_names_the_file(db, tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    with pytest.raises(CommandError, match=re.escape(f"{plain} is a file")):
        run(plain / "sub")
    with pytest.raises(CommandError, match=re.escape(f"{plain} is a file")):
        run(plain)
    # Without --base-url the command first reads the folder's earlier
    # manifest for its address: still the one sentence, not a traceback.
    for path in (plain, plain / "sub"):
        with pytest.raises(CommandError, match=re.escape(f"{plain} is a file")):
            call_command("export_site", str(path))


@pytest.mark.parametrize("word", ["", "  "])
def test_an_empty_folder_name_is_refused_not_taken_for_this_folder(
    db, tmp_path, monkeypatch, word
):
    # An unset variable in `export_site "$OUT" --force` would otherwise
    # write the site over the files of the folder the command runs in.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "index.html").write_text("my own page")
    with pytest.raises(CommandError, match=r"directory: is empty; name the folder"):
        call_command("export_site", word, "--force", "--base-url", BASE_URL)
    assert (tmp_path / "index.html").read_text() == "my own page"
    assert not (tmp_path / MANIFEST).exists()


@pytest.mark.parametrize("depth", [0, 1])
def test_a_dangling_symbolic_link_names_the_missing_target(db, tmp_path, depth):
    link = tmp_path / "published"
    link.symlink_to(tmp_path / "mounted" / "www")
    folder = link / "lab" if depth else link
    message = f"{link} is a symbolic link to {tmp_path / 'mounted' / 'www'}, which"
    with pytest.raises(CommandError, match=re.escape(message)):
        run(folder)
    assert not (tmp_path / "mounted").exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://my_lab.example.org/lab/",
        "http://user:secret@lab.example.org/",
    ],
)
def test_a_base_url_whose_host_django_refuses_is_refused(db, tmp_path, url):
    # Every page would answer 400 (DisallowedHost) and the copy be empty.
    with pytest.raises(CommandError, match="not name a valid host|not an http"):
        call_command("export_site", str(tmp_path / "site"), "--base-url", url)
    assert not (tmp_path / "site").exists()


def test_an_unwritable_path_is_a_clear_error_naming_it(db, tmp_path, monkeypatch):
    folder = tmp_path / "site"

    def refuse(*, dir, prefix):
        raise PermissionError(errno.EACCES, "Permission denied", str(dir))

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    with pytest.raises(CommandError) as raised:
        run(folder)
    assert str(raised.value) == (
        f"Cannot write the export at {folder}: Permission denied."
    )


@pytest.mark.parametrize(
    "url", ["https://example.org/lab/?v=1", "https://example.org/lab/#top"]
)
def test_a_base_url_with_a_query_or_fragment_is_refused(db, tmp_path, url):
    with pytest.raises(CommandError, match="has a query or fragment"):
        call_command("export_site", str(tmp_path / "site"), "--base-url", url)
    assert not (tmp_path / "site").exists()


def json_ld_urls(text):
    urls = []
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text)
    for block in blocks:
        data = json.loads(block)
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str) and item.startswith("http"):
                urls.append(item)
    return urls


def test_head_addresses_carry_the_base_path_and_photos_are_exported(
    demo_site, tmp_path
):
    site = tmp_path / "site"
    run(site)
    home = (site / "index.html").read_text()
    assert f'<meta property="og:url" content="{BASE_URL}">' in home
    assert f'<link rel="canonical" href="{BASE_URL}">' in home
    own = [u for u in json_ld_urls(home) if u.startswith("https://example.github.io")]
    assert own
    assert all(u.startswith(BASE_URL) for u in own)

    person = Person.objects.exclude(photo="").first()
    page = (site / person.get_absolute_url().lstrip("/") / "index.html").read_text()
    image = re.search(r'<meta property="og:image" content="([^"]+)"', page)[1]
    assert image == f"{BASE_URL}media/{person.photo.name}"
    # The original photo beside its thumbnails, byte for byte.
    original = site / "media" / person.photo.name
    assert original.read_bytes() == person.photo.read()
    assert f"{BASE_URL}media/{person.photo.name}" in json_ld_urls(page)


def test_check_follows_meta_tags_and_json_ld(demo_site, tmp_path):
    site = tmp_path / "site"
    run(site)
    person = Person.objects.exclude(photo="").first()
    (site / "media" / person.photo.name).unlink()
    links = check_mirror(site, build.mirror_site(BASE_URL))
    broken = {(link.page, link.url) for link in links}
    page = person.get_absolute_url().lstrip("/") + "index.html"
    assert (page, f"{BASE_URL}media/{person.photo.name}") in broken


def test_an_export_waiting_for_another_of_the_same_folder_says_so(
    db, tmp_path, monkeypatch
):
    # Another export holds the folder's lock at first: the wait is announced
    # rather than looking like a hang, and the export then runs.
    real = fcntl.flock

    def flock(handle, operation):
        if operation & fcntl.LOCK_NB:
            raise BlockingIOError(errno.EWOULDBLOCK, "held")
        return real(handle, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    lines = []
    folder = tmp_path / "site"
    build.export_site(folder, base_url=BASE_URL, log=lines.append)
    assert lines[0] == f"Waiting for another export of {folder} to finish"
    assert (folder / MANIFEST).is_file()


def test_a_first_export_stopped_midway_is_completed_by_the_next_one(
    demo_site, tmp_path, monkeypatch
):
    site = tmp_path / "site"
    real_put = build._Writer.put
    written = []

    def put_then_stop(writer, name, data, *, page):
        if len(written) == 5:
            raise KeyboardInterrupt
        written.append(name)
        real_put(writer, name, data, page=page)

    with monkeypatch.context() as patch:
        patch.setattr(build._Writer, "put", put_then_stop)
        with pytest.raises(CommandError, match=r"interrupted.*next export") as stop:
            run(site)
    assert stop.value.returncode == 130
    assert all((site / name).is_file() for name in written)

    run(site)

    assert_same_as_a_full_export(site, tmp_path / "fresh")
    assert check_mirror(site, build.mirror_site(BASE_URL)) == []


def _files_holding(site, text):
    """The mirror's files (relative paths) whose bytes hold text."""
    return [
        path.relative_to(site)
        for path in site.rglob("*")
        if path.is_file() and text in path.read_bytes()
    ]


def _stop_export_after(monkeypatch, site, written, *, stop="interrupted"):
    """Run an export of site that stops (Ctrl-C, or killed: see _killed)
    once it has written a file for which written(name, data) is true."""
    real_put = build._Writer.put

    def put_then_stop(writer, name, data, *, page):
        real_put(writer, name, data, page=page)
        if written(name, data):
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(build._Writer, "put", put_then_stop)
        if stop == "killed":
            _killed(patch)
        with pytest.raises(CommandError, match=r"interrupted"):
            run(site)


def _killed(monkeypatch):
    """As if the process were killed (SIGKILL, out of memory): a stopped
    export saves no manifest of its own."""
    monkeypatch.setattr(build._Writer, "save_stopped", lambda writer, **extra: None)


@pytest.mark.parametrize("stop", ["interrupted", "killed"])
@pytest.mark.parametrize("change", ["save", "update"])
def test_an_edit_undone_after_an_interrupted_export_leaves_no_page_of_it(
    demo_site, tmp_path, monkeypatch, change, stop
):
    """The stopped run wrote the edit's pages; the next one, with the edit
    undone, finds no row changed since the last whole export, yet must put
    those pages back as they were."""
    site = tmp_path / "site"
    run(site)
    paper = Publication.objects.order_by("pk").first()
    title = paper.title

    def retitle(value):
        if change == "save":
            paper.title = value
            paper.save()
        else:
            # No signal and no stamp: only the stored row states tell.
            Publication.objects.filter(pk=paper.pk).update(title=value)

    retitle("An edit never published")
    written = []

    def second_page_of_the_edit(name, data):
        if b"An edit never published" in data:
            written.append(name)
        return len(written) == 2

    _stop_export_after(monkeypatch, site, second_page_of_the_edit, stop=stop)
    assert len(written) == 2
    retitle(title)

    run(site)

    assert _files_holding(site, b"An edit never published") == []
    assert_same_as_a_full_export(site, tmp_path / "fresh")
    # Once put right, the manifest names the files again: nothing to do.
    assert "0 pages written" in run(site)


@pytest.mark.parametrize(
    ("stop", "first", "then"),
    [
        ("interrupted", False, ()),
        ("killed", False, ()),
        ("killed", True, ()),
        ("killed", False, ("--full", "--check")),
    ],
)
def test_the_page_of_an_object_deleted_after_an_interrupted_export_is_removed(
    demo_site, tmp_path, monkeypatch, stop, first, then
):
    # Killed, the export saved no manifest naming the page: the names of
    # the files it wrote are journaled before each is written. first: the
    # stopped export was the folder's first.
    site = tmp_path / "site"
    if not first:
        run(site)
    paper = Publication.objects.create(
        title="Written Then Withdrawn", year=2026, slug="written-then-withdrawn"
    )
    withdrawn = site / "publications" / "written-then-withdrawn" / "index.html"
    _stop_export_after(
        monkeypatch,
        site,
        lambda name, data: name.endswith("written-then-withdrawn/index.html"),
        stop=stop,
    )
    assert withdrawn.is_file()
    paper.delete()

    run(site, *then)

    assert not withdrawn.exists()
    assert_same_as_a_full_export(site, tmp_path / "fresh")


def test_a_stop_before_the_store_is_saved_remembers_an_earlier_kill(
    demo_site, tmp_path, monkeypatch
):
    site = tmp_path / "site"
    run(site)
    paper = Publication.objects.order_by("pk").first()
    title = paper.title
    paper.title = "An edit never published"
    paper.save()
    real_put = build._Writer.put

    def put_then_stop(writer, name, data, *, page):
        real_put(writer, name, data, page=page)
        if b"An edit never published" in data:
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(build._Writer, "put", put_then_stop)
        _killed(patch)
        with pytest.raises(CommandError, match=r"interrupted"):
            run(site)
    paper.title = title
    paper.save()
    # Stopped again after opening the dependency store, before its batch.
    with monkeypatch.context() as patch:
        patch.setattr(DiskEntryStore, "take_inputs", _stop)
        with pytest.raises(CommandError, match=r"interrupted"):
            run(site)

    run(site)

    assert _files_holding(site, b"An edit never published") == []


@pytest.mark.parametrize("stop", ["interrupted", "killed"])
def test_a_page_left_after_a_stop_once_every_page_was_written_is_removed(
    demo_site, tmp_path, monkeypatch, stop
):
    # A run that renders every page (--full, a new day) saves a manifest
    # before its search indexing and before it removes the earlier export's
    # pages it did not write: that manifest must still name them.
    site = tmp_path / "site"
    paper = Publication.objects.create(
        title="Written Then Withdrawn", year=2026, slug="written-then-withdrawn"
    )
    run(site)
    withdrawn = site / "publications" / "written-then-withdrawn" / "index.html"
    assert withdrawn.is_file()
    paper.delete()
    with monkeypatch.context() as patch:
        patch.setattr(build._Walk, "save_row_states", _stop)
        if stop == "killed":
            _killed(patch)
        with pytest.raises(CommandError, match=r"interrupted"):
            run(site, "--full")

    run(site)

    assert not withdrawn.exists()
    assert_same_as_a_full_export(site, tmp_path / "fresh")


def test_the_journal_gives_back_every_name_whole(tmp_path):
    state = tmp_path / "state.sqlite3"
    names = [
        "publications/plain/index.html",
        "media/papers/odd\u2028name.pdf",
        "media/papers/odd\x85name.pdf",
        "media/papers/line\nbreak.pdf",
        "media/papers/carriage\rreturn.pdf",
        "media/photos/café.jpg",
    ]
    journal = build._Journal(state)
    for index, name in enumerate(names):
        journal.note(name, page=index == 0)
    journal.close()
    # A kill midway through a line (here inside the "é" of a name).
    with journal.path.open("ab") as handle:
        handle.write('["f", "media/photos/café'.encode()[:-1])

    again = build._Journal(state)

    assert again.names == {name: index == 0 for index, name in enumerate(names)}
    assert list(again.of_kind(True)) == names[:1]
    again.clear()
    assert build._Journal(state).names == {}


def _stop(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    "where",
    [
        # Before any file is written: the manifest is right as it was.
        (DiskEntryStore, "take_inputs"),
        # Waiting for Pagefind, the pages and the store saved.
        (build._Indexing, "result"),
    ],
    ids=["before-writing", "while-indexing"],
)
def test_an_export_stopped_with_its_manifest_right_leaves_the_next_one_incremental(
    demo_site, tmp_path, monkeypatch, where
):
    site = tmp_path / "site"
    first = build.export_site(site, base_url=BASE_URL)
    paper = Publication.objects.order_by("pk").first()
    paper.title = "Retitled While Stopped"
    paper.save()
    with monkeypatch.context() as patch:
        patch.setattr(*where, _stop)
        with pytest.raises(CommandError, match=r"interrupted"):
            run(site)

    again = build.export_site(site, base_url=BASE_URL)

    assert again.pages_rendered < first.pages_rendered / 2
    assert_same_as_a_full_export(site, tmp_path / "fresh")


def test_a_plain_run_after_an_interrupted_first_one_keeps_its_base_url(
    demo_site, tmp_path, monkeypatch
):
    site = tmp_path / "site"
    published = "https://example.github.io/lab/"

    def stop(writer, name, data, *, page):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(build._Writer, "put", stop)
        with pytest.raises(CommandError, match=r"interrupted"):
            call_command("export_site", str(site), "--base-url", published)
    assert build.earlier_base_url(site) == published

    call_command("export_site", str(site), stdout=io.StringIO())

    home = (site / "index.html").read_text()
    assert f'<link rel="canonical" href="{published}">' in home


def test_a_host_the_site_refuses_stops_the_export_before_any_file(
    demo_site, tmp_path, monkeypatch
):
    site = tmp_path / "site"
    run(site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    # A host the validation let through but Django's host check refuses:
    # every page would answer 400.
    monkeypatch.setattr(site_module, "_valid_host", lambda netloc: True)
    with pytest.raises(CommandError, match=r"refuses requests to example.com\."):
        call_command("export_site", str(site), "--base-url", "https://example.com./")
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_a_first_export_failing_midway_leaves_a_folder_the_next_one_accepts(
    demo_site, tmp_path, monkeypatch
):
    site = tmp_path / "site"

    def fail(writer, name, source):
        raise OSError(errno.ENOSPC, "No space left on device", str(site / name))

    with monkeypatch.context() as patch:
        patch.setattr(build._Writer, "copy", fail)
        with pytest.raises(CommandError, match=r"No space left"):
            run(site)
    assert (site / "index.html").is_file()

    run(site)

    assert_same_as_a_full_export(site, tmp_path / "fresh")


def test_ctrl_c_during_the_check_is_one_line_and_the_copy_stays(
    demo_site, tmp_path, monkeypatch
):
    site = tmp_path / "site"

    def stop(directory, site_map):
        raise KeyboardInterrupt

    monkeypatch.setattr(export_site_command, "check_mirror", stop)
    with pytest.raises(CommandError, match=r"Check of .* interrupted") as stopped:
        run(site, "--check")
    assert stopped.value.returncode == 130
    monkeypatch.undo()
    assert check_mirror(site, build.mirror_site(BASE_URL)) == []
