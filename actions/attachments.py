"""Supporting documents of a point: what is accepted, judged from the content."""

import filetype
from django import forms

from essplan.forms import StyledFormMixin

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
    name = "".join(char for char in original.replace("\\", "/").rsplit("/", 1)[-1]
                   if char.isprintable()).strip()
    stem, dot, _ = name.rpartition(".")
    stem = (stem if dot else name).strip() or "justificatif"
    return stem[:NAME_LENGTH - len(extension)] + extension


def sniffed_type(upload):
    """The content type of UPLOAD read from its first bytes, or None if not accepted."""
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return ACCEPTED.get(kind.extension) if kind else None


class AttachmentForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="Justificatif",
        help_text="PDF, image (PNG, JPEG, GIF, WebP) ou document bureautique (Word, Excel, "
                  "PowerPoint, LibreOffice) ; 10 Mo au plus.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SIZE:
            raise forms.ValidationError(
                "Ce fichier dépasse 10 Mo : réduisez-le (PDF compressé, image redimensionnée).")
        content_type = sniffed_type(upload)
        if content_type is None:
            raise forms.ValidationError(
                "Ce fichier n'est ni un PDF, ni une image, ni un document bureautique, d'après "
                "son contenu (quel que soit son nom) : il n'est pas accepté.")
        upload.sniffed_type = content_type
        return upload
