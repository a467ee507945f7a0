"""Settings for the test suite: the real settings plus a throwaway key and a fast hasher."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")

from config.env import dev_fernet_key
from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
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
