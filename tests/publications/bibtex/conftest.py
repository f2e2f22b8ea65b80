"""Fixtures for the BibTeX package's tests."""

import pytest

from tests.conftest import SHARED_DIR

CASES = SHARED_DIR / "cases" / "bibtex"


@pytest.fixture
def bib_cases():
    """The shared small cases (``cases/bibtex/``); skips where absent."""
    if not CASES.is_dir():
        pytest.skip(
            f"BibTeX cases not found at {CASES}; set LABSITE_SHARED_DIR to the "
            "folder holding cases/bibtex/ (CI does)."
        )
    return CASES
