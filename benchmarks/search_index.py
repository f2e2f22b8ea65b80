"""The mirror's search index: one Pagefind run over the whole copy against the
bundles an incremental export indexes after one edit.

Run from the repository root on an exported copy (not part of the test suite),
e.g. the one benchmarks/static_export.py leaves in var/benchmark/mirror-1000:

    .venv/bin/python benchmarks/search_index.py var/benchmark/mirror-1000

It works on a copy of the mirror's pages (in a temporary folder, so the mirror
is left as it was) and prints, in seconds:

1. ``single``: Pagefind's command line over the whole copy into one index, which
   every export with a changed HTML page ran before the index was split;
2. ``bundles_full``: ``search.update_index`` building every bundle (a full export);
3. ``bundles_one_edit``: the same after the bytes of one publication page
   changed, which indexes that page's bundle only; and the bundles it wrote;
4. ``bundles_unchanged``: the same with no change.

The pages indexed are those that carry ``data-pagefind-body``, as in an export.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_config.export import search  # noqa: E402 (after the path is set)

MARK = b"data-pagefind-body"


def indexed_pages(root):
    """{name: digest} of the HTML files under root that Pagefind indexes."""
    pages = {}
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        if name.startswith(f"{search.BUNDLE}/"):
            continue
        data = path.read_bytes()
        if MARK in data:
            pages[name] = hashlib.sha256(data).hexdigest()
    return pages


def timed(function, *args, **options):
    started = time.perf_counter()
    result = function(*args, **options)
    return time.perf_counter() - started, result


def single_run(root):
    """Pagefind's command line over every page, as the export ran it before."""
    output = root / "pagefind-single"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(root),
            "--output-subdir",
            output.name,
            "--silent",
        ],
        check=True,
    )
    shutil.rmtree(output)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mirror", type=Path, help="a folder export_site wrote")
    args = parser.parse_args()
    figures = {"load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary) / "site"
        # Only the HTML: Pagefind reads nothing else, and the copy stays small.
        shutil.copytree(
            args.mirror,
            root,
            ignore=lambda folder, names: [
                n
                for n in names
                if n == search.BUNDLE
                or (not n.endswith(".html") and not (Path(folder) / n).is_dir())
            ],
        )
        pages = indexed_pages(root)
        figures["pages"] = len(pages)
        figures["single"], _ = timed(single_run, root)
        figures["bundles_full"], report = timed(search.update_index, root, pages)
        figures["bundles"] = len(report.bundles)
        edited = next(n for n in pages if n.startswith("publications/"))
        path = root / edited
        text = path.read_text("utf-8")
        path.write_text(text.replace("<h1", "<h1 data-edited", 1), "utf-8")
        pages[edited] = hashlib.sha256(path.read_bytes()).hexdigest()
        figures["bundles_one_edit"], report = timed(search.update_index, root, pages)
        figures["one_edit_wrote"] = report.rebuilt
        figures["bundles_unchanged"], _ = timed(search.update_index, root, pages)
    figures["load_after"] = os.getloadavg()[0]
    sys.stdout.write(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
