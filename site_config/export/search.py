"""Full-text search for the mirror: a Pagefind index built over its HTML.

Pagefind (PyPI ``pagefind[extended]`` ships the binary, so nothing is fetched
at run time) reads the exported pages that carry ``data-pagefind-body`` (those
the sitemap lists) and writes a static index plus its browser scripts under
``pagefind/`` in the mirror. The mirror's search page loads them.
"""

import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

BUNDLE = "pagefind"
TIMEOUT = 600


class SearchIndexError(Exception):
    """Pagefind failed or is missing; the message says which."""


def version():
    """The installed Pagefind's version, or "" when it is not installed."""
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return ""


def has_index(directory):
    return (Path(directory) / BUNDLE / "pagefind.js").is_file()


def build_index(directory):
    """(Re)write ``directory/pagefind/`` from the HTML files under directory.

    The old bundle is removed first, so no fragment of a deleted page survives.
    Raises SearchIndexError with Pagefind's own message when it fails.
    """
    directory = Path(directory)
    if not version():
        raise SearchIndexError(
            "Pagefind is not installed: pip install 'pagefind[extended]'."
        )
    shutil.rmtree(directory / BUNDLE, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(directory),
        "--output-subdir",
        BUNDLE,
        "--silent",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise SearchIndexError(f"Pagefind took over {TIMEOUT} s; stopped.") from error
    if done.returncode != 0 or not has_index(directory):
        output = (done.stderr or done.stdout).strip()
        raise SearchIndexError(f"Pagefind failed on {directory}: {output}")
