"""The admin's file upload, held to the import's size limit while it arrives.

Django has no upper limit for an uploaded file (``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves files
out), so this handler, first in ``FILE_UPLOAD_HANDLERS``, passes a file's bytes on to Django's
own handlers only up to ``settings.IMPORT_MAX_UPLOAD_BYTES`` and then only counts the rest: a
file over the limit is handed to the form as a ``TooLargeUpload`` of its real size and no
content, which the form refuses with the limit and the file's size (``limits``)."""

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class TooLargeUpload(SimpleUploadedFile):
    """An upload over the limit: its name and real size, none of its content."""

    too_large = True

    def __init__(self, name, size, content_type):
        super().__init__(name, b"", content_type)
        self.size = size


class UploadLimitHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_UPLOAD_BYTES:
            return None  # past the limit: the other handlers get nothing more, nothing is kept
        return raw_data

    def file_complete(self, file_size):
        if self.received > settings.IMPORT_MAX_UPLOAD_BYTES:
            return TooLargeUpload(self.file_name, self.received, self.content_type)
        return None  # Django's own handlers make the file
