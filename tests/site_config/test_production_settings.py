"""Production settings: check --deploy is clean, HTTPS-only, CSP, sign-in throttling."""

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import F
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **extra):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "site_config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "labsite.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    env.update(extra)
    return env


def run_manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = run_manage(
        production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_defaults_are_https_only(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.DEBUG)"
    )
    result = run_manage(production_env(tmp_path), "shell", "--no-imports", "-c", code)
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "31536000",
        "None",
        "False",
    ]
    behind_proxy = production_env(
        tmp_path, DJANGO_SECURE_PROXY_SSL_HEADER="1", DJANGO_SECURE_SSL_REDIRECT="0"
    )
    result = run_manage(behind_proxy, "shell", "--no-imports", "-c", code)
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout
    assert result.stdout.startswith("False")


@pytest.mark.django_db
def test_public_pages_carry_a_csp_without_unsafe_inline(client):
    response = client.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "ContentSecurityPolicyMiddleware" in "".join(settings.MIDDLEWARE)


# Data blocks (JSON, JSON-LD) are never executed, so the CSP does not cover them.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)"
    r"(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>",
    re.I,
)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE_BLOCK = re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I)


STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def assert_no_inline_code(html):
    assert not INLINE_SCRIPT.findall(html), INLINE_SCRIPT.findall(html)
    assert not STYLE_ATTRIBUTE.findall(html), STYLE_ATTRIBUTE.findall(html)
    assert not INLINE_HANDLER.findall(html), INLINE_HANDLER.findall(html)
    assert not INLINE_STYLE_BLOCK.findall(html)
    assert "javascript:" not in html


@pytest.mark.django_db
def test_admin_and_markdownx_widget_need_no_inline_code(
    editor_client, make_publication, make_person
):
    publication = make_publication("Paper", authors=["Ada Lovelace"])
    person = make_person("Grace Hopper", photo="people/grace.jpg")
    pages = [
        reverse("admin:people_person_changelist"),
        reverse("admin:index"),
        reverse("admin:publications_publication_change", args=[publication.pk]),
        reverse("admin:publications_publication_add"),
        reverse("admin:people_person_change", args=[person.pk]),
        reverse("admin:people_person_history", args=[person.pk]),
        reverse("admin:publications_publication_changelist"),
    ]
    for url in pages:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers
        assert_no_inline_code(response.text)
    change = editor_client.get(
        reverse("admin:publications_publication_change", args=[publication.pk])
    ).text
    # The markdownx editor's script loads from /static/, and its preview and
    # upload calls go to our own origin, which connect-src allows.
    assert "markdownx/js/markdownx" in change
    assert 'data-markdownx-urls-path="/markdownx/markdownify/"' in change


@pytest.mark.django_db
def test_public_pages_need_no_inline_code(client, make_publication, make_theme):
    theme = make_theme("Optics")
    publication = make_publication("Paper", authors=["Ada Lovelace"], themes=[theme])
    for url in [
        reverse("home"),
        reverse("publications:list"),
        publication.get_absolute_url(),
        reverse("people:list"),
        theme.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_inline_code(response.text)


def login(client, password, username="editor", address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


MAX_FAILURES = settings.AXES_FAILURE_LIMIT


@pytest.mark.django_db
def test_admin_login_locks_out_after_repeated_failures(client, editor):
    for _ in range(MAX_FAILURES - 1):
        response = login(client, "wrong")
        assert "Please enter the correct username and password" in response.text
    # The fifth failure is counted and answered with the lock-out at once.
    assert login(client, "wrong").status_code == 429
    response = login(client, "correct horse battery")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_by_username_across_addresses(client, editor):
    """Issue #13, finding 8: one account tried from many addresses is limited."""
    for n in range(MAX_FAILURES):
        login(client, "wrong", address=f"198.51.100.{n}")
    response = login(client, "correct horse battery", address="192.0.2.99")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_by_address_across_usernames(client, editor):
    """Issue #13, finding 8: one password tried against many usernames."""
    for n in range(MAX_FAILURES):
        login(client, "password1", username=f"guess{n}")
    assert login(client, "correct horse battery").status_code == 429
    # Another address is not locked out of the account.
    response = login(client, "correct horse battery", address="192.0.2.50")
    assert response.status_code == 302


@pytest.mark.django_db
def test_successful_login_clears_the_failure_count(client, editor):
    for _ in range(MAX_FAILURES - 1):
        login(client, "wrong")
    assert login(client, "correct horse battery").status_code == 302
    client.logout()
    for _ in range(MAX_FAILURES - 1):
        login(client, "wrong")
    assert login(client, "correct horse battery").status_code == 302


@pytest.mark.django_db
def test_lockout_ends_when_the_window_passes(client, editor):
    from axes.models import AccessAttempt

    for _ in range(MAX_FAILURES):
        login(client, "wrong")
    assert "Too many" in login(client, "correct horse battery").text
    # What fifteen minutes do: the failures fall out of the window.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(1)
    )
    assert login(client, "correct horse battery").status_code == 302
