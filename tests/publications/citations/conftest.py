from tests.publications.bibtex.conftest import bib_cases  # noqa: F401 - shared fixture
