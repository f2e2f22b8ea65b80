import re
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from site_config.export.build import export_site
from site_config.export.deps import state_path
from site_config.export.entries import entries_path

BASE_URL = "https://example.github.io/lab/"


@pytest.fixture
def demo_site(transactional_db, settings, tmp_path):
    """The demo group in the database, its photos in a throwaway media folder.

    Transactions commit for real, so saves move the content stamp as in the admin.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    return settings.MEDIA_ROOT


def run_export(directory, *args):
    """export_site directory --base-url BASE_URL *args: (stdout, stderr) text."""
    out, err = StringIO(), StringIO()
    call_command(
        "export_site",
        str(directory),
        "--base-url",
        BASE_URL,
        *args,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


# Stamps of the moment a file is rendered (an iCalendar's DTSTAMP, the date of a
# feed without entries): two full exports differ in these too.
_RENDER_TIME = re.compile(rb"DTSTAMP:[^\r\n]*|<lastBuildDate>[^<]*</lastBuildDate>")
_EMPTY_FEED_DATE = re.compile(rb"<updated>[^<]*</updated>")


def _without_render_time(data):
    data = _RENDER_TIME.sub(b"", data)
    return data if b"<entry>" in data else _EMPTY_FEED_DATE.sub(b"", data)


def mirror_files(root):
    """{relative name: bytes} of a mirror, without Pagefind's bundle (its file
    names are content hashes), the manifest and render-time stamps."""
    return {
        p.relative_to(root).as_posix(): _without_render_time(p.read_bytes())
        for p in Path(root).rglob("*")
        if p.is_file()
        and not p.relative_to(root).as_posix().startswith(("pagefind/", ".labsite"))
    }


def assert_same_as_a_full_export(site, fresh):
    """The mirror in site holds the files a full export into fresh writes."""
    export_site(fresh, base_url=BASE_URL, full=True)
    incremental, full = mirror_files(site), mirror_files(fresh)
    assert sorted(incremental) == sorted(full)
    assert [name for name in full if incremental[name] != full[name]] == []


def stored_keys(site):
    """{key: text} of the entries stored for the mirror in site."""
    with sqlite3.connect(entries_path(state_path(site))) as db:
        return dict(db.execute("SELECT key, text FROM entries"))
