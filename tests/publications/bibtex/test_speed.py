"""The import's shortcuts for speed and memory give what the long way gives."""

import gc
import hashlib
import json
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from people.models import Person
from publications.bibtex.fingerprint import Fingerprint
from publications.bibtex.importer import import_bibtex
from publications.bibtex.latex import _decode_cached, _tidy, decode
from publications.bibtex.names import _decoded_names, _split_and
from publications.bibtex.writer import EncodedJSON, bulk_insert
from publications.models import Publication

# Pieces of real values, the awkward ones included: accents, stray and deep
# braces, escapes, math, ties, dashes, "and" made by a command.
PIECES = [
    "Ada", "van", " ", "  ", "\n", " and ", " AND ", "and", ",", "-", "--", "---",
    "{", "}", "{{", "}}", "\\'", "\\'e", '{\\"o}', "\\v{s}", "\\c", " c", "\\ss",
    "\\i", "\\{", "\\}", "\\", "\\\\", "\\ ", "\\relax", "{\\relax}", "\\emph{",
    "\\emph{and}", "\\textbf{x}", "~", "$", "$x$", "others", "e\u0301", "\u00a0",
]  # fmt: skip
values = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def decoded_the_long_way(text, keep_braces, tags=False):
    """Every value through the character-by-character decoder."""
    return _decode_cached.__wrapped__(text, keep_braces, tags) if text else ""


@settings(max_examples=600, deadline=None)
@given(text=values, keep_braces=st.booleans(), tags=st.booleans())
def test_decoding_shortcuts_equal_the_decoder(text, keep_braces, tags):
    assert decode(text, keep_braces=keep_braces, tags=tags) == decoded_the_long_way(
        text, keep_braces, tags
    )


# Every character str.split() splits at, and characters near them.
SPACES = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]
spaced = st.lists(
    st.sampled_from([*SPACES, "a", "é", "e\u0301", "\u200b", "\x00", "-"]), max_size=12
).map("".join)


def test_every_spacing_character_but_the_space_is_unprintable():
    # What _tidy's shortcut for text already tidy rests on.
    assert [char for char in SPACES if char.isprintable()] == [" "]


@settings(max_examples=600, deadline=None)
@given(text=spaced | values)
def test_tidying_shortcut_equals_splitting_and_joining(text):
    assert _tidy(text) == " ".join(unicodedata.normalize("NFC", text).split())


@settings(max_examples=600, deadline=None)
@given(text=values)
def test_names_decoded_one_by_one_equal_the_list_decoded_whole(text):
    assert _decoded_names(text) == _split_and(decode(text, keep_braces=True))


def test_deep_nesting_in_one_name_is_read_as_in_the_whole_list():
    deep = "{" * 3000 + "x" + "}" * 3000
    for text in (f"Ada and {deep}", "\\'" * 2000 + "e and Bob"):
        assert _decoded_names(text) == _split_and(decode(text, keep_braces=True))


def test_stored_fingerprint_is_the_fingerprint_as_json():
    values = {"title": "Über Graphen", "abstract": "x " * 300, "year": 2020}
    fingerprint = Fingerprint.of(
        values, ["Jörg Töpfer"], first_family="topfer", sources=["abc"]
    )
    assert fingerprint.hash == hashlib.sha1(fingerprint.encoded.encode()).hexdigest()
    assert json.loads(fingerprint.to_json()) == fingerprint.to_dict()
    assert Fingerprint.from_json(fingerprint.to_json()) == fingerprint


def test_bulk_insert_fills_model_defaults_and_finds_new_rows_by_slug(db):
    rows = ((f"Person {n}", f"person-{n}") for n in range(2500))
    pks = bulk_insert(Person, ["full_name", "slug"], rows)
    person = Person.objects.get(slug="person-2499")
    assert pks["person-2499"] == person.pk
    assert len(pks) == 2500
    assert person.bio == ""
    assert person.display_order == Person._meta.get_field("display_order").default
    assert person.created_at is not None


def test_encoded_json_is_stored_as_json_not_as_a_string(db):
    bulk_insert(
        Publication,
        ["title", "slug", "import_fingerprint"],
        [("T", "t", EncodedJSON('{"hash": "h", "sources": ["s"]}'))],
    )
    assert Publication.objects.get().import_fingerprint == {
        "hash": "h",
        "sources": ["s"],
    }


def test_import_leaves_the_garbage_collector_as_it_found_it(db):
    text = "@misc{a, title = {A}, author = {Ada Lovelace}}"
    assert gc.isenabled()
    import_bibtex(sources=[("a.bib", text)])
    assert gc.isenabled()
    gc.disable()
    try:
        import_bibtex(sources=[("a.bib", text)])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_unchanged_reimport_after_an_edited_one_still_matches_by_content(db):
    first = "@article{k1, title = {Graphs}, author = {Ada Lovelace}, year = 2020}\n"
    second = "@article{k2, title = {Kernels}, author = {Alan Turing}, year = 2021}\n"
    import_bibtex(sources=[("a.bib", first + second)])
    # k1 unchanged (found by its text), k2 edited (found by its key and title).
    edited = second.replace("2021", "2022")
    report = import_bibtex(sources=[("a.bib", first + edited)])
    assert (report.unchanged, report.updated, report.created) == (1, 1, 0)
    assert Publication.objects.get(bibtex_key="k2").year == 2022
