"""Supporting documents of a point: what is accepted (judged from the content), and how
they are stored with the point, all or nothing."""

from contextlib import contextmanager

import filetype
from django import forms
from django.core.exceptions import ValidationError

from .models import Attachment

MAX_SIZE = 10 * 1024 * 1024
# What filetype recognises from the first bytes -> the type the file is served with.
ACCEPTED = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}


EXTENSIONS = {content_type: extension for extension, content_type in ACCEPTED.items()}
NAME_LENGTH = 200  # Attachment.name


def display_name(original, content_type):
    """The name a document is shown and downloaded under: the uploaded name without control
    characters or folders, ending with the extension of its detected type (« rapport.html »
    that is a PDF is « rapport.pdf »), shortened before the extension to fit."""
    extension = "." + EXTENSIONS[content_type]
    name = "".join(
        char for char in original.replace("\\", "/").rsplit("/", 1)[-1] if char.isprintable()
    ).strip()
    stem, dot, _ = name.rpartition(".")
    stem = (stem if dot else name).strip() or "justificatif"
    return stem[: NAME_LENGTH - len(extension)] + extension


def sniffed_type(upload):
    """The content type of UPLOAD read from its first bytes, or None if not accepted."""
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return ACCEPTED.get(kind.extension) if kind else None


def checked(upload):
    """UPLOAD if it is accepted (its size, its type read from its content), with the type
    found in upload.sniffed_type; else a ValidationError naming the file."""
    if upload.size > MAX_SIZE:
        raise ValidationError(
            "« %(name)s » dépasse 10 Mo : réduisez-le (PDF compressé, image redimensionnée).",
            params={"name": upload.name},
            code="too_large",
        )
    content_type = sniffed_type(upload)
    if content_type is None:
        raise ValidationError(
            "« %(name)s » n'est ni un PDF, ni une image, ni un document bureautique, d'après "
            "son contenu (quel que soit son nom) : il n'est pas accepté.",
            params={"name": upload.name},
            code="type",
        )
    upload.sniffed_type = content_type
    return upload


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Any number of documents chosen at once (<input type=file multiple>): the list of
    those accepted, or every refusal, one per file, so that none is joined unless all are."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data or []) if upload]
        errors, accepted = [], []
        for upload in uploads:
            try:
                accepted.append(checked(super().clean(upload, initial)))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return accepted


def attach(point, uploads, user, written):
    """Store UPLOADS (checked) as POINT's attachments, by USER. The name of each file put in
    storage is added to WRITTEN before its row is saved: see removed_on_failure()."""
    for upload in uploads:
        attachment = Attachment(
            point=point,
            size=upload.size,
            content_type=upload.sniffed_type,
            name=display_name(upload.name, upload.sniffed_type),
            uploaded_by=user,
        )
        attachment.file.save(attachment.name, upload, save=False)
        written.append(attachment.file.name)
        attachment.save()


@contextmanager
def removed_on_failure():
    """A list to add the names of stored files to; if the block fails, they are deleted from
    storage. Put around a transaction that records them (not inside it): when it rolls back,
    no file is left that no row points to. (A transaction only calls back on commit, hence
    this rather than transaction.on_commit, which would store files after the rows.)"""
    written = []
    try:
        yield written
    except BaseException:
        storage = Attachment._meta.get_field("file").storage
        for name in written:
            storage.delete(name)
        raise
