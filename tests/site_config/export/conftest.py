from io import StringIO

import pytest
from django.core.management import call_command

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
