"""Attachment checks: size, count and real file type (magic bytes, not the claimed type).

Images are re-encoded, which strips EXIF metadata (GPS position of the reporter's phone!)
and defuses files that only pretend to be images.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from aduan.reports.models import Attachment, Report, ReportEvent

# Refuse decompression bombs: no real complaint photo is above ~50 megapixels.
Image.MAX_IMAGE_PIXELS = 50_000_000

ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


class UploadError(ValueError):
    pass


@dataclass
class CleanFile:
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def as_content_file(self) -> ContentFile[bytes]:
        return ContentFile(self.data, name=secrets.token_hex(16))


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _reencode_image(data: bytes, content_type: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            fmt = "JPEG" if content_type == "image/jpeg" else "PNG"
            img: Image.Image = opened
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            out = io.BytesIO()
            # Saving without exif= drops every metadata block, GPS included.
            img.save(out, format=fmt, quality=85)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise UploadError(_("Berkas gambar rusak atau tidak dapat dibaca.")) from exc


def clean_upload(upload: UploadedFile) -> CleanFile:
    limit = settings.ADUAN_MAX_ATTACHMENT_BYTES
    name = (upload.name or "lampiran")[-150:]
    if upload.size is not None and upload.size > limit:
        raise UploadError(
            _("Berkas “%(name)s” terlalu besar (maksimal %(mb)s MB).")
            % {"name": name, "mb": limit // (1024 * 1024)}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadError(
            _("Berkas “%(name)s” terlalu besar (maksimal %(mb)s MB).")
            % {"name": name, "mb": limit // (1024 * 1024)}
        )
    if not data:
        raise UploadError(_("Berkas “%(name)s” kosong.") % {"name": name})
    content_type = _sniff(data[:16])
    if content_type is None:
        raise UploadError(
            _("Jenis berkas “%(name)s” tidak diterima. Gunakan JPG, PNG, atau PDF.")
            % {"name": name}
        )
    if content_type.startswith("image/"):
        data = _reencode_image(data, content_type)
    return CleanFile(name=name, content_type=content_type, data=data)


def clean_uploads(uploads: list[UploadedFile]) -> list[CleanFile]:
    if len(uploads) > settings.ADUAN_MAX_ATTACHMENTS:
        raise UploadError(
            _("Paling banyak %(n)s lampiran.") % {"n": settings.ADUAN_MAX_ATTACHMENTS}
        )
    return [clean_upload(u) for u in uploads]


def save_attachments(
    *,
    report: Report,
    event: ReportEvent | None,
    files: list[CleanFile],
    now: datetime,
    public: bool = False,
) -> list[Attachment]:
    """Store cleaned files under random names, tied to the report and its event.

    Call inside the transaction that writes the event: the rows commit with it (a file
    left on disk by a rolled-back transaction is harmless; a row without its file is not
    possible because files are written first).
    """
    return [
        Attachment.objects.create(
            report=report,
            event=event,
            token=secrets.token_urlsafe(24)[:32],
            file=clean.as_content_file(),
            original_name=clean.name,
            content_type=clean.content_type,
            size=len(clean.data),
            sha256=clean.sha256,
            is_public=public,
            submitted_on=now,
        )
        for clean in files
    ]
