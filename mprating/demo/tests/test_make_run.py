"""`make run` serves where HOST and PORT say, and the links in its letters follow (issue: e-mail
links kept pointing at :8000 when the app was served elsewhere)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _dry_run(*args: str, env: dict | None = None) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | (env or {})
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_site_url_follows_host_and_port():
    out = _dry_run("HOST=192.168.1.5", "PORT=9000")

    assert "runserver 192.168.1.5:9000" in out
    assert out.count("SITE_URL=http://192.168.1.5:9000 ") == 2  # the server and the worker


def test_all_interfaces_are_linked_as_loopback():
    out = _dry_run("HOST=0.0.0.0")

    assert "runserver 0.0.0.0:8000" in out
    assert "SITE_URL=http://127.0.0.1:8000 " in out


def test_an_explicit_site_url_wins():
    out = _dry_run("PORT=9000", env={"SITE_URL": "https://shop.example.ru"})

    assert "SITE_URL=https://shop.example.ru " in out
    assert "runserver 127.0.0.1:9000" in out
