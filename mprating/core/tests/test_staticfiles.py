import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from mprating.core.staticfiles import KeptUrlStaticFilesStorage


def _storages(tmp_path):
    manifest = {"version": "1.1", "paths": {"site/app.css": "site/app.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return (
        KeptUrlStaticFilesStorage(location=tmp_path, base_url="/static/"),
        CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/"),
    )


def test_kept_url_is_the_manifest_storages_url(tmp_path):
    kept, plain = _storages(tmp_path)

    assert kept.url("site/app.css") == plain.url("site/app.css") == "/static/site/app.0123abcd.css"
    assert kept.url("site/app.css", force=True) == plain.url("site/app.css", force=True)


def test_url_is_worked_out_once_per_name(tmp_path, monkeypatch):
    kept, _ = _storages(tmp_path)
    first = kept.url("site/app.css")

    def not_again(*args, **kwargs):
        raise AssertionError("the address was worked out again")

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", not_again)

    assert kept.url("site/app.css") == first


def test_a_name_missing_from_the_manifest_fails_each_time(tmp_path):
    kept, _ = _storages(tmp_path)

    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            kept.url("site/missing.js")
