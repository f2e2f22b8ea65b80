"""Every page cache test starts and ends with an empty page cache."""

import pytest

from site_config.pagecache.cache import page_cache


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    page_cache().clear()
    yield
    page_cache().clear()
