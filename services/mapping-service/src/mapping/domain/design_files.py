"""What a design file is, told by its content (never its name or Content-Type): the magic
bytes give the format; PNG's IHDR and JPEG's SOF give the pixel size."""

import struct
from dataclasses import dataclass

#: bytes read from the start of a file: enough for the magic, IHDR, and a JPEG's SOF after its EXIF
HEAD_BYTES = 512 * 1024


@dataclass(frozen=True)
class FileFacts:
    format: str  # png, jpeg, pdf, tiff, svg
    width_px: int | None = None
    height_px: int | None = None


def sniff(head: bytes) -> FileFacts | None:
    """The format (and pixel size where the format tells it) of a file from its first bytes, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(head)
    if head.startswith(b"\xff\xd8\xff"):
        return _jpeg(head)
    if head.startswith(b"%PDF-"):
        return FileFacts("pdf")
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return FileFacts("tiff")
    if _is_svg(head):
        return FileFacts("svg")
    return None


def _png(head: bytes) -> FileFacts:
    if len(head) >= 24 and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return FileFacts("png", width, height)
    return FileFacts("png")


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(head: bytes) -> FileFacts:
    position = 2
    while position + 4 <= len(head):
        if head[position] != 0xFF:
            break
        marker = head[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        (length,) = struct.unpack(">H", head[position + 2 : position + 4])
        if marker in _SOF and position + 9 <= len(head):
            height, width = struct.unpack(">HH", head[position + 5 : position + 9])
            return FileFacts("jpeg", width, height)
        if marker == 0xDA:  # start of scan before any frame header: no size to tell
            break
        position += 2 + length
    return FileFacts("jpeg")


def _is_svg(head: bytes) -> bool:
    text = head[:4096].decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n").lower()
    if not text.startswith("<"):
        return False
    if "<html" in text or text.startswith("<!doctype html"):
        return False
    return "<svg" in text
