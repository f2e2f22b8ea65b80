"""Static files: hashed names, precompressed copies, far-future caching (WhiteNoise)."""

import gzip
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

FAR_FUTURE = "max-age=315360000"


def test_collectstatic_writes_hashed_and_compressed_files(collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    original = (collected_static / hashed).read_bytes()
    assert gzip.decompress((collected_static / f"{hashed}.gz").read_bytes()) == original


@pytest.fixture
def production_static(settings, collected_static):
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    return collected_static


def test_pages_link_hashed_files_served_with_far_future_caching(
    production_static, make_publication
):
    make_publication("Paper")
    client = Client()  # a new handler, so WhiteNoise reads the settings above
    page = client.get(reverse("publications:list")).text
    href = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
    plain = client.get(href)
    assert plain.status_code == 200
    assert FAR_FUTURE in plain["Cache-Control"]
    assert "immutable" in plain["Cache-Control"]
    packed = client.get(href, headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    body = b"".join(packed.streaming_content)
    assert gzip.decompress(body) == b"".join(plain.streaming_content)


def test_unhashed_names_are_not_cached_forever(production_static, db):
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert FAR_FUTURE not in response["Cache-Control"]
