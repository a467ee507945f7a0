"""Settings for the test suite: the real settings plus a throwaway key and a fast hasher."""

import os
import tempfile
import uuid
from pathlib import Path

TEST_CACHE_KEY_PREFIX = "mprating-test-"

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
# The cache is Redis when REDIS_URL is set (CI's PostgreSQL pass), this process's memory
# otherwise. Every run gets a key prefix of its own, so runs side by side on one Redis (or a
# deployment on it) never see each other's keys, and clearing between tests
# (mprating.core.testing.cache_clear) touches only this run's; the processes a test starts
# inherit the prefix through the environment.
if not os.environ.get("CACHE_KEY_PREFIX", "").startswith(TEST_CACHE_KEY_PREFIX):
    os.environ["CACHE_KEY_PREFIX"] = f"{TEST_CACHE_KEY_PREFIX}{uuid.uuid4().hex[:12]}"

from config.env import dev_fernet_key  # noqa: E402
from config.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once in the test process; a `db_worker` that a test starts (the fault tests of
# issue 12) gets the database backend through TEST_TASKS_BACKEND.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TEST_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# The tests never see a real key: one derived from the throwaway SECRET_KEY above.
MARKETPLACE_SECRET_KEYS = [dev_fernet_key(SECRET_KEY)]  # noqa: F405
# Uploaded files of the tests (photos of returns, seed_demo's among them) never land in the
# project's media/ folder.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "mprating-test-media"
# The test client and live_server speak plain http.
SECURE_SSL_REDIRECT = False
