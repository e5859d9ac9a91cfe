"""Static files: hashed and compressed once collected, the plain files before that."""

from urllib.parse import unquote, urlsplit

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed storage for ``collectstatic`` (production: long cache).

    A name the manifest does not know (no collectstatic yet, as under bin/run and the tests,
    or a file added since) keeps its plain URL; WhiteNoise serves it from the app's folders
    (WHITENOISE_USE_FINDERS) instead of the page failing."""

    def create_compressor(self, **kwargs):
        # gzip only: every browser takes it, and brotli (when some package brings it in) would
        # multiply the time of collectstatic for little gain on a few hundred kilobytes.
        return super().create_compressor(use_brotli=False, **kwargs)

    def stored_name(self, name):
        if self.hash_key(urlsplit(unquote(name)).path.strip()) not in self.hashed_files:
            return name
        return super().stored_name(name)
