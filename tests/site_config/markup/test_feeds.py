"""Descriptions in feeds carry absolute URLs: a reader shows them off the site."""

import pytest

from site_config.markup.feeds import absolute_links

ORIGIN = "https://lab.example"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            '<a href="/publications/x/">x</a>',
            '<a href="https://lab.example/publications/x/">x</a>',
        ),
        (
            '<img src="/media/a.webp" alt="">',
            '<img src="https://lab.example/media/a.webp" alt="">',
        ),
        (
            '<a href="/lab/people/">p</a>',
            '<a href="https://lab.example/lab/people/">p</a>',
        ),
        ('<a href="//cdn.example/x">x</a>', '<a href="//cdn.example/x">x</a>'),
        (
            '<a href="https://other.example/">o</a>',
            '<a href="https://other.example/">o</a>',
        ),
        ('<a href="#ref-1">1</a>', '<a href="#ref-1">1</a>'),
        ('<a href="page/">r</a>', '<a href="page/">r</a>'),
        ('<p>href="/not-an-attribute"</p>', '<p>href="/not-an-attribute"</p>'),
        (
            '<img srcset="/media/a-320.webp 320w, /media/a-640.webp 640w"'
            ' src="/media/a.webp">',
            '<img srcset="https://lab.example/media/a-320.webp 320w, '
            'https://lab.example/media/a-640.webp 640w"'
            ' src="https://lab.example/media/a.webp">',
        ),
    ],
)
def test_site_relative_urls_become_absolute_and_others_stay(given, expected):
    assert absolute_links(given, ORIGIN) == expected
