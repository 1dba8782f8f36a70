"""A local HTTP server of design files for the tests (loopback: allowed by the test config only)."""

import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


FILES: dict[str, tuple[bytes, str]] = {
    "/front.png": (png(4000, 5000), "image/png"),
    "/back.png": (png(3600, 4800), "image/png"),
    "/tiny.png": (png(300, 400), "image/png"),
    "/poster.pdf": (b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n", "application/pdf"),
    "/design.png": (b"<!DOCTYPE html><html><body>Not found, but here is a page</body></html>", "image/png"),
}


class _Handler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        _Handler.requests.append(self.path)
        found = FILES.get(self.path.split("?")[0])
        if found is None:
            self.send_response(404)
            self.end_headers()
            return
        body, kind = found
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def design_server() -> Iterator[tuple[str, list[str]]]:
    """(base URL, the paths requested so far)."""
    _Handler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Handler.requests
    finally:
        server.shutdown()
        server.server_close()
