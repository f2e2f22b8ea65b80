"""The BibTeX importer never crashes or hangs on hostile input.

Hypothesis feeds the import service random text, structured but hostile entries,
mutated files of the shared corpus and undecodable bytes; hand-written inputs
cover the known ways parsers blow up (deep nesting, unclosed groups, crossref
chains and cycles, @string expansion). Every example runs under a time limit and
a memory limit, so a hang or a blow-up fails the test instead of the machine.
"""

import resource
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publications.bibtex.importer import BibtexInputError, import_bibtex
from publications.models import Publication

pytestmark = pytest.mark.django_db

EXAMPLE_SECONDS = 20
EXAMPLE_EXTRA_MEMORY = 1536 * 1024 * 1024
FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

SYNTAX = list('@{}"=,#%\\()\n\t ') + [
    "@article", "@string", "@comment", "@preamble", "@inproceedings{", "author",
    "title", "year", "crossref", " and ", "{\\", "\\'", "\\v{", "$", "^", "~", "--",
    "doi", "0000", "é", "\u202e", "\x00", "\ufeff", "}}}}", "{{{{", "others",
]  # fmt: skip


class Hang(Exception):
    pass


def _virtual_memory():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


@contextmanager
def bounded(seconds=EXAMPLE_SECONDS, extra_memory=EXAMPLE_EXTRA_MEMORY):
    """Fail with Hang after seconds, with MemoryError past extra_memory."""

    def expire(signum, frame):
        raise Hang(f"the import ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _virtual_memory() + extra_memory
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def assert_imports_cleanly(text):
    """Import text (dry run): it must finish with every problem reported."""
    before = Publication.objects.count()
    with bounded():
        report = import_bibtex(sources=[("fuzz.bib", text)], dry_run=True)
    assert report.total == (
        report.created
        + report.updated
        + report.unchanged
        + report.skipped
        + report.failed
    )
    assert len(report.failures) >= report.failed
    for problem in [*report.failures, *report.warnings]:
        assert str(problem).startswith("fuzz.bib:")
        assert problem.message.strip()
    assert Publication.objects.count() == before
    return report


tokens = st.lists(
    st.one_of(st.sampled_from(SYNTAX), st.text(max_size=8)), max_size=120
).map("".join)


@FUZZ
@given(text=st.one_of(st.text(max_size=600), tokens))
def test_random_text_is_reported_not_raised(text):
    assert_imports_cleanly(text)


field_value = st.one_of(
    st.text(max_size=40).map(lambda v: "{" + v + "}"),
    st.text(max_size=40).map(lambda v: '"' + v + '"'),
    st.text(alphabet="0123456789", max_size=6),
    st.sampled_from(["jan", "undefinedmacro", "a # b", "{{nested {deep}}}"]),
)
field_name = st.sampled_from(
    ["author", "title", "year", "month", "doi", "eprint", "pages", "journal",
     "crossref", "editor", "note", "booktitle", "x", "AUTHOR"]
)  # fmt: skip
entry = st.builds(
    lambda kind, key, fields: (
        "@"
        + kind
        + "{"
        + key
        + ",\n"
        + ",\n".join(f"  {name} = {value}" for name, value in fields)
        + "\n}\n"
    ),
    st.sampled_from(["article", "inproceedings", "misc", "book", "unknown", "ARTICLE"]),
    st.text(max_size=20),
    st.lists(st.tuples(field_name, field_value), max_size=8),
)


@FUZZ
@given(entries=st.lists(entry, max_size=6))
def test_structured_but_hostile_entries_are_reported(entries):
    assert_imports_cleanly("".join(entries))


def mutate(text, data):
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        if not text:
            break
        at = data.draw(st.integers(0, len(text) - 1), label="at")
        kind = data.draw(st.sampled_from(["delete", "insert", "duplicate", "cut"]))
        if kind == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 40)) :]
        elif kind == "insert":
            text = text[:at] + data.draw(st.sampled_from(SYNTAX)) + text[at:]
        elif kind == "duplicate":
            text = text[:at] + text[at : at + 200] + text[at:]
        else:
            text = text[:at]
    return text


@pytest.mark.corpus
def test_mutated_corpus_files_are_reported(bib_corpus):
    chunks = []
    for path in sorted(bib_corpus.glob("*.bib")):
        text = path.read_text(encoding="utf-8", errors="replace")
        chunks += [text[start : start + 3000] for start in range(0, len(text), 20000)]

    @FUZZ
    @given(data=st.data())
    def import_a_mutant(data):
        chunk = data.draw(st.sampled_from(chunks), label="chunk")
        assert_imports_cleanly(mutate(chunk, data))

    import_a_mutant()


@FUZZ
@given(raw=st.binary(max_size=400))
def test_undecodable_files_are_a_reported_input_error(raw, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "raw.bib"
    path.write_bytes(raw)
    message = ""
    report = None
    try:
        with bounded():
            report = import_bibtex(sources=[path], dry_run=True)
    except BibtexInputError as error:
        message = str(error)
    if report is None:
        assert "raw.bib" in message
    else:
        assert len(report.failures) >= report.failed


def _crossref_chain(length, *, cycle):
    entries = [
        f"@article{{k{n}, crossref = {{k{n + 1}}}, title = {{T{n}}}}}\n"
        for n in range(length)
    ]
    last = "k0" if cycle else "nowhere"
    entries.append(f"@article{{k{length}, crossref = {{{last}}}, title = {{End}}}}\n")
    return "".join(entries)


PATHOLOGICAL = {
    "deep braces": "@article{k, title={" + "{" * 5000 + "}" * 5000 + "}}",
    "never closed": "@article{k, title={" + "{" * 20000,
    "escaped quotes": '@article{k, title="' + '\\"' * 20000 + '"}',
    "thousands of empty entries": "@misc{k,}\n" * 3000,
    "three thousand authors": "@article{k, author={"
    + " and ".join(["A. B"] * 3000)
    + "}, title={T}, year=2020}",
    "crossref chain": _crossref_chain(500, cycle=False),
    "crossref cycle": _crossref_chain(50, cycle=True),
    "nested LaTeX": "@article{k, title={" + "\\frac{" * 3000 + "}}",
    "NUL and BOM": "\ufeff@article{k\x00, title={\x00}, year={2020}}",
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_is_reported_in_bounded_time(name):
    assert_imports_cleanly(PATHOLOGICAL[name])


# Each @string doubles the one before: 2**60 characters if expanded naively.
STRING_BOMB = (
    '@string{s0 = "xxxxxxxx"}\n'
    + "".join(f"@string{{s{n} = s{n - 1} # s{n - 1}}}\n" for n in range(1, 61))
    + "@article{k, title = s60, year = 2020}\n"
)


def test_string_expansion_bomb_is_reported_not_expanded():
    report = assert_imports_cleanly(STRING_BOMB)
    assert report.failed >= 1
