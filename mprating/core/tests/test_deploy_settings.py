"""Production settings pass `manage.py check --deploy` with no warning (issue 12: W004 HSTS and
W008 SSL redirect were reported), and development (`make run`) keeps plain http.

Each case starts a fresh interpreter: settings are read once per process, from the environment.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


def _environment(**overrides: str) -> dict[str, str]:
    """The caller's environment without any setting of ours, plus `overrides`."""
    ours = ("DJANGO_", "MARKETPLACE_", "DATABASE_URL")
    base = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return base | {"DJANGO_SETTINGS_MODULE": "config.settings"} | overrides


def _production(**overrides: str) -> dict[str, str]:
    return _environment(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        MARKETPLACE_SECRET_KEYS=Fernet.generate_key().decode(),
        **overrides,
    )


def _settings(env: dict[str, str]) -> dict:
    names = [
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production(),
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_redirects_to_https_and_sends_hsts():
    values = _settings(_production())

    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_development_keeps_plain_http():
    values = _settings(_environment(DJANGO_DEBUG="1"))

    assert values["DEBUG"] is True
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_the_proxy_header_is_named_by_the_environment_or_switched_off():
    assert _settings(_production(DJANGO_PROXY_SSL_HEADER="X-Scheme"))[
        "SECURE_PROXY_SSL_HEADER"
    ] == ["HTTP_X_SCHEME", "https"]
    assert _settings(_production(DJANGO_PROXY_SSL_HEADER=""))["SECURE_PROXY_SSL_HEADER"] is None


def test_the_tests_speak_plain_http(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
