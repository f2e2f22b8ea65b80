"""import_bibtex and import_publications share their option definitions: both
list and accept --media-dir, --marks and --include-containers, and the README and
each command's page document every option their help lists."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import BaseCommand, CommandError, call_command
from PIL import Image

from publications.management.commands.import_bibtex import Command as BibtexCommand
from publications.management.commands.import_publications import (
    Command as PublicationsCommand,
)
from publications.models import Publication

SHARED = ["--media-dir", "--marks", "--include-containers", "--theme", "--atomic"]


@pytest.mark.parametrize(
    "command", [BibtexCommand, PublicationsCommand], ids=["bibtex", "publications"]
)
def test_help_lists_the_shared_options(command):
    help_text = command().create_parser("manage.py", "x").format_help()
    for option in SHARED:
        assert option in help_text


BIB = r"""
@proceedings{vol1, title = {Proceedings of Things}, year = {2020}}
@inproceedings{paper1, title = {A Paper}, author = {Doe, Jane+ and Roe, Rick},
  crossref = {vol1}, year = {2020}, preview = {fig.png}}
"""


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["import_bibtex", "import_publications"])
def test_both_commands_apply_the_shared_options(tmp_path, command):
    (tmp_path / "bib").mkdir()
    path = tmp_path / "bib" / "refs.bib"
    path.write_text(BIB)
    media = tmp_path / "images"
    media.mkdir()
    Image.new("RGB", (40, 30), "teal").save(media / "fig.png")
    run(
        command,
        str(path),
        "--media-dir",
        str(media),
        "--marks",
        "+=corresponding",
        "--include-containers",
    )
    assert Publication.objects.filter(bibtex_key="vol1").exists()
    paper = Publication.objects.get(bibtex_key="paper1")
    first = paper.ordered_authorships()[0]
    assert first.corresponding
    assert paper.image
    assert (media / "fig.png").exists(), "the user's folder is never removed"


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["import_bibtex", "import_publications"])
@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--media-dir", "/no/such/dir", "No such folder"), ("--marks", "x=y", "Mark")],
)
def test_both_commands_refuse_a_bad_shared_option(
    tmp_path, command, option, value, message
):
    path = tmp_path / "refs.bib"
    path.write_text(BIB)
    with pytest.raises(CommandError, match=message):
        run(command, str(path), option, value)
    assert not Publication.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["import_bibtex", "import_publications"])
def test_both_commands_say_a_directory_is_a_directory(tmp_path, command):
    folder = tmp_path / "bibliography"
    folder.mkdir()
    with pytest.raises(CommandError, match=r"bibliography is a directory, not a file"):
        run(command, str(folder))
    with pytest.raises(CommandError, match=r"No such file: .*missing\.bib"):
        run(command, str(tmp_path / "missing.bib"))


ROOT = Path(__file__).resolve().parents[3]


def own_options(command):
    """The long options a command adds to those every Django command has."""
    base = {
        option
        for action in BaseCommand().create_parser("manage.py", "x")._actions
        for option in action.option_strings
    }
    parser = command().create_parser("manage.py", "x")
    return sorted(
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option not in base
    )


@pytest.mark.parametrize(
    ("command", "doc"),
    [(BibtexCommand, "docs/bibtex.md"), (PublicationsCommand, "docs/imports.md")],
    ids=["bibtex", "publications"],
)
def test_every_option_in_help_is_documented(command, doc):
    options = own_options(command)
    assert "--media-dir" in options
    for text in ((ROOT / doc).read_text(), (ROOT / "README.md").read_text()):
        missing = [
            option
            for option in options
            if not re.search(rf"(?<![\w-]){option}(?![\w-])", text)
        ]
        assert missing == []
