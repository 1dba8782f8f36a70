"""A design file's format comes from its content, and its pixel size from PNG's IHDR or JPEG's SOF."""

import struct
import zlib

from mapping.domain.design_files import FileFacts, sniff


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    exif = b"\xff\xe1" + struct.pack(">H", 2 + 3000) + b"\x00" * 3000
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + exif + sof + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x00" * 10 + b"\xff\xd9"


def test_formats_and_sizes_by_content():
    assert sniff(png(4500, 5400)) == FileFacts("png", 4500, 5400)
    assert sniff(jpeg(1200, 800)) == FileFacts("jpeg", 1200, 800)
    assert sniff(b"%PDF-1.7\n...") == FileFacts("pdf")
    assert sniff(b"II*\x00\x08\x00\x00\x00") == FileFacts("tiff")
    assert sniff(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>') == FileFacts("svg")


def test_an_html_page_is_not_a_design_file_whatever_its_name():
    assert sniff(b"<!DOCTYPE html><html><body><svg></svg></body></html>") is None
    assert sniff(b"GIF89a....") is None
    assert sniff(b"") is None
