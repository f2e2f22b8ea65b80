"""Every source file is read the same way: CR, CR LF and LF end lines alike, and
a UTF-8 or UTF-16 byte order mark decides the encoding (EndNote on Windows)."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from publications.bibtex.parse import decode_bytes
from publications.models import Publication
from publications.sources.formats import BIBTEX, RIS, detect_format, parse_text

CR_FILE = "/work/shared/cases/bibtex/10-cr-only-line-endings.bib"
RIS_TEXT = (
    "TY  - JOUR\nAU  - Åström, Karl\nTI  - Über Regelung\nJO  - Automatica\n"
    "PY  - 1990\nSN  - 0005-1098\nER  - \n"
)
BIB_TEXT = "% comment\n@article{k1,\n  title = {Lines},\n  year = {2001},\n}\n"


def run(*args):
    out = io.StringIO()
    call_command("import_publications", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize(("text", "kind"), [(BIB_TEXT, BIBTEX), (RIS_TEXT, RIS)])
def test_any_line_ending_is_detected_and_read_alike(newline, text, kind):
    text = text.replace("\n", newline)
    assert detect_format(text) == kind
    found, parsed = parse_text(text)
    assert found == kind
    if kind == RIS:
        assert [e.fields["title"] for e in parsed.entries] == ["Über Regelung"]


@pytest.mark.django_db
def test_a_cr_only_bibtex_file_imports_through_the_command(tmp_path):
    path = tmp_path / "cr.bib"
    shutil.copy(CR_FILE, path)
    out = run(str(path))
    assert "created" in out
    assert Publication.objects.filter(bibtex_key="crfirst1998").exists()


@pytest.mark.parametrize(
    "data",
    [
        "\ufeff".encode() + RIS_TEXT.encode(),
        RIS_TEXT.replace("\n", "\r\n").encode("utf-16"),
        "\ufeff".encode("utf-16-le") + RIS_TEXT.encode("utf-16-le"),
        "\ufeff".encode("utf-16-be") + RIS_TEXT.encode("utf-16-be"),
    ],
    ids=["utf-8-bom", "utf-16-native", "utf-16-le", "utf-16-be"],
)
def test_a_byte_order_mark_decides_the_encoding(data):
    assert decode_bytes(data, name="x.ris") == RIS_TEXT


@pytest.mark.django_db
def test_a_utf16_endnote_ris_file_imports_through_the_command(tmp_path):
    path = tmp_path / "endnote.ris"
    path.write_bytes(RIS_TEXT.replace("\n", "\r\n").encode("utf-16"))
    assert "1 created" in run(str(path))
    publication = Publication.objects.get(title="Über Regelung")
    assert publication.issn == "0005-1098"
    assert publication.venue == "Automatica"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["[]", '{"items": []}', " [ ]\n"])
def test_an_empty_csl_json_list_is_an_error_naming_the_file(tmp_path, text):
    path = tmp_path / "empty.json"
    path.write_text(text)
    with pytest.raises(CommandError, match=r"empty\.json.*no items"):
        run(str(path))
    assert not Publication.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        ("refs.bib.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "a gzip-compressed file"),
        ("refs.bib", b"\x7fELF\x02\x01\x01\x00", "a program"),
        ("library.ris", b"TY  - JOUR\x00\x00\x01\x02", "a binary file"),
    ],
)
def test_a_binary_file_is_named_as_what_it_is(tmp_path, name, data, what):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as raised:
        run(str(path))
    message = str(raised.value)
    assert f"{path} is {what}, not a bibliography" in message
    assert "--encoding" not in message
    assert not Publication.objects.exists()


def test_utf16_without_a_byte_order_mark_is_not_called_binary():
    data = RIS_TEXT.encode("utf-16-le")
    assert "Über Regelung" in decode_bytes(data, name="x.ris", encoding="utf-16-le")
