"""A WSGI application that serves an exported mirror with WhiteNoise, nothing else.

Used by benchmarks/static_export.py under gunicorn: ``MIRROR`` names the folder.
"""

import os

from whitenoise import WhiteNoise


def not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


application = WhiteNoise(not_found, root=os.environ["MIRROR"], index_file=True)
