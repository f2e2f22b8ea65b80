"""Fixtures for the page cache tests: the cache on, anonymous browsers, real servers."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

BASE_DIR = Path(django_settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    from site_config.pagecache.cache import page_cache

    page_cache().clear()
    yield
    page_cache().clear()


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    return settings


@pytest.fixture
def visitor(page_cache_on):
    """An anonymous browser with the page cache switched on."""
    return Client()


@pytest.fixture
def second_visitor(page_cache_on):
    return Client()


def production_env(*, database, static_root, media_root, cache_url="locmem://"):
    """Environment for manage.py and gunicorn with production settings over HTTP."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "CACHE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="site_config.settings",
        DJANGO_SECRET_KEY="speed-tests-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: no TLS redirect and no secure-only cookies.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_MEDIA_ROOT=str(media_root),
        CACHE_URL=cache_url,
    )
    return env


def manage(env, *args, check=True):
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=check,
        timeout=180,
    )


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT filled by collectstatic under production settings."""
    root = tmp_path_factory.mktemp("static")
    scratch = tmp_path_factory.mktemp("collect")
    env = production_env(
        database=scratch / "unused.sqlite3", static_root=root, media_root=scratch
    )
    result = manage(env, "collectstatic", "--noinput", "-v0", check=False)
    assert result.returncode == 0, result.stderr
    return root


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn process serving labsite on a loopback port."""

    def __init__(self, env, *, workers=1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "site_config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            self.wait_until_up()
        except RuntimeError:
            self.stop()
            raise

    def wait_until_up(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    "gunicorn exited: " + self.process.stderr.read().decode()
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer on port {self.port}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()


@pytest.fixture
def start_server():
    started = []

    def start(env, **options):
        server = Server(env, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def http_request(url, *, data=None, headers=None, opener=None):
    """(status, headers, body); a dict in data makes it a form POST."""
    if data is not None:
        data = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(
            request, timeout=30
        ) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
