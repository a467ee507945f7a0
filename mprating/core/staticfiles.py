"""Static files' addresses, each worked out once per process (issue 13).

`ManifestStaticFilesStorage.url()` looks the hashed name up in the manifest, splits, quotes and
joins the address on every `{% static %}`: 20–30 times a back office page and a few times every
cabinet page. The manifest is read once, when the storage is made, and never changes while the
process lives (a deploy runs `collectstatic` and restarts the servers), so the address of a name
is the same for the life of the process and is kept after its first use.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class KeptUrlStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed manifest storage whose `url()` is worked out once per name."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._kept_urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._kept_urls[name]
        except KeyError:
            # A name missing from the manifest raises here, every time, as before.
            url = self._kept_urls[name] = super().url(name)
            return url
