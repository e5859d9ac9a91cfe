"""Static files: hashed and compressed once collected, the plain files before that."""

from urllib.parse import unquote, urlsplit

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed storage for ``collectstatic`` (production: long cache).

    A name the manifest does not know (no collectstatic yet, as under bin/run and the tests,
    or a file added since) keeps its plain URL; WhiteNoise serves it from the app's folders
    (WHITENOISE_USE_FINDERS) instead of the page failing."""

    def stored_name(self, name):
        if self.hash_key(urlsplit(unquote(name)).path.strip()) not in self.hashed_files:
            return name
        return super().stored_name(name)
