"""What a bundle of the mirror's search index costs to build, and what a search
over N bundles costs in the browser.

Run from the repository root on an exported copy (not part of the test suite),
e.g. the one benchmarks/static_export.py leaves in var/benchmark/mirror-1000:

    .venv/bin/python benchmarks/search_costs.py build var/benchmark/mirror-1000
    .venv/bin/python benchmarks/search_costs.py browser var/benchmark/mirror-1000

``build`` times Pagefind's binary (and ``python -m pagefind``, as the export ran
it before) over samples of 25 to 400 of the copy's indexed pages, as exported
and with the lists of publications marked ``data-pagefind-ignore`` as the
templates now mark them, to split a bundle's cost into a fixed start and a
cost per page. CPU seconds are the child's (user + system).

``browser`` indexes a copy of the mirror in bundles of at most 200, 50 and 25
pages (``search.update_index``), serves it with Python's file server and, in
headless Chromium (Debian's /usr/bin/chromium, through Playwright), opens the
search page with a person's full name and then a publication's title: the
requests made and the milliseconds until the first result is shown.

Both print JSON, with the load average before and after.
"""

import argparse
import contextlib
import functools
import hashlib
import http.server
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_config.export import search  # noqa: E402 (after the path is set)

MARK = b"data-pagefind-body"
SIZES = (25, 50, 100, 200, 400)
# The lists the templates now mark data-pagefind-ignore, for a copy exported before.
IGNORE = (
    (b'<ol class="pub-list">', b'<ol class="pub-list" data-pagefind-ignore>'),
    (
        b'<figure class="chart chart--years">',
        b'<figure class="chart chart--years" data-pagefind-ignore>',
    ),
)
CHROMIUM = os.environ.get("LABSITE_CHROMIUM", "/usr/bin/chromium")


def indexed_names(root):
    """The HTML files under root that Pagefind indexes, sorted."""
    names = []
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        if not name.startswith(f"{search.BUNDLE}/") and MARK in path.read_bytes():
            names.append(name)
    return names


def sample(names, size):
    """size names spread over the copy as a bundle's are (by a hash of the path)."""
    ranked = sorted(names, key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    return ranked[:size]


def run_child(command):
    """(wall seconds, CPU seconds) of a child process run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return round(wall, 3), round(cpu, 3)


def build(mirror):
    names = indexed_names(mirror)
    binary = str(search.get_executable())
    figures = {"indexed_pages": len(names), "runs": []}
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        for marked in (False, True):
            for size in SIZES:
                site = work / f"site-{marked}-{size}"
                chosen = sample(names, size)
                for name in chosen:
                    target = site / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    data = (mirror / name).read_bytes()
                    if marked:
                        for old, new in IGNORE:
                            data = data.replace(old, new)
                    target.write_bytes(data)
                size_bytes = sum((site / n).stat().st_size for n in chosen)
                out = work / "index"
                wall, cpu = run_child(
                    [binary, "--site", str(site), "--output-path", str(out), "--silent"]
                )
                shutil.rmtree(out)
                row = {"lists_ignored": marked, "pages": size, "bytes": size_bytes}
                row.update(binary_wall=wall, binary_cpu=cpu)
                if size == SIZES[0]:
                    wall, cpu = run_child(
                        [
                            sys.executable,
                            "-m",
                            "pagefind",
                            "--site",
                            str(site),
                            "--output-path",
                            str(out),
                            "--silent",
                        ]
                    )
                    shutil.rmtree(out)
                    row.update(python_m_wall=wall, python_m_cpu=cpu)
                figures["runs"].append(row)
        empty = work / "empty"
        empty.mkdir()
        (empty / "index.html").write_text(
            '<html lang="en"><body><main data-pagefind-body><h1>A</h1></main>'
            "</body></html>"
        )
        figures["one_page"] = run_child(
            [binary, "--site", str(empty), "--output-path", str(work / "e"), "--silent"]
        )
    return figures


@contextlib.contextmanager
def serve(root):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def queries(mirror):
    """A person's full name and a publication's title, from their pages' h1."""
    found = []
    for pattern in ("people/*/index.html", "publications/paper-*/index.html"):
        path = sorted(mirror.glob(pattern))[5]
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", path.read_text("utf-8"), re.S)
        found.append(re.sub(r"<[^>]+>", "", heading.group(1)).strip())
    return found


def browser(mirror):
    from playwright.sync_api import sync_playwright  # a benchmark-only dependency

    figures = {"queries": queries(mirror), "runs": []}
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary) / "site"
        shutil.copytree(mirror, root, ignore=shutil.ignore_patterns(search.BUNDLE))
        names = indexed_names(root)
        pages = {n: hashlib.sha256((root / n).read_bytes()).hexdigest() for n in names}
        with (
            serve(root) as base,
            sync_playwright() as playwright,
        ):
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
            )
            for per_bundle in (200, 50, 25):
                report = search.update_index(
                    root, pages, rebuild=True, per_bundle=per_bundle
                )
                row = {"per_bundle": per_bundle, "bundles": len(report.bundles)}
                for number, query in enumerate(figures["queries"]):
                    context = chromium.new_context()
                    page = context.new_page()
                    seen = []
                    page.on("request", lambda request, seen=seen: seen.append(request))
                    started = time.perf_counter()
                    page.goto(f"{base}search/?q={quote(query)}")
                    page.locator(".pagefind-ui__result-link").first.wait_for(
                        timeout=60000
                    )
                    elapsed = time.perf_counter() - started
                    first = page.locator(".pagefind-ui__result-link").first
                    row[f"query{number}"] = {
                        "ms": round(elapsed * 1000),
                        "requests": len(seen),
                        "index_requests": sum(
                            f"/{search.BUNDLE}/" in r.url for r in seen
                        ),
                        "first": first.get_attribute("href"),
                    }
                    context.close()
                figures["runs"].append(row)
            chromium.close()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["build", "browser"])
    parser.add_argument("mirror", type=Path, help="a folder export_site wrote")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    figures = build(args.mirror) if args.what == "build" else browser(args.mirror)
    figures.update(load_before=load_before, load_after=os.getloadavg()[0])
    sys.stdout.write(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
