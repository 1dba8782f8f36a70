"""A small raster canvas written as PNG with the standard library only (zlib, struct): lines,
dots, rectangles and text in a 5×7 pixel font (upper case, digits, a few signs), enough for the
benchmark's plots without a plotting library in the environment."""

import struct
import zlib
from pathlib import Path

Colour = tuple[int, int, int]
WHITE, BLACK, GREY = (255, 255, 255), (0, 0, 0), (221, 221, 221)

#: The classic 5×7 font, column by column (bit 0 at the top); lower case is drawn as upper case.
_FONT = {
    " ": (0x00, 0x00, 0x00, 0x00, 0x00),
    "0": (0x3E, 0x51, 0x49, 0x45, 0x3E),
    "1": (0x00, 0x42, 0x7F, 0x40, 0x00),
    "2": (0x42, 0x61, 0x51, 0x49, 0x46),
    "3": (0x21, 0x41, 0x45, 0x4B, 0x31),
    "4": (0x18, 0x14, 0x12, 0x7F, 0x10),
    "5": (0x27, 0x45, 0x45, 0x45, 0x39),
    "6": (0x3C, 0x4A, 0x49, 0x49, 0x30),
    "7": (0x01, 0x71, 0x09, 0x05, 0x03),
    "8": (0x36, 0x49, 0x49, 0x49, 0x36),
    "9": (0x06, 0x49, 0x49, 0x29, 0x1E),
    "A": (0x7E, 0x11, 0x11, 0x11, 0x7E),
    "B": (0x7F, 0x49, 0x49, 0x49, 0x36),
    "C": (0x3E, 0x41, 0x41, 0x41, 0x22),
    "D": (0x7F, 0x41, 0x41, 0x22, 0x1C),
    "E": (0x7F, 0x49, 0x49, 0x49, 0x41),
    "F": (0x7F, 0x09, 0x09, 0x09, 0x01),
    "G": (0x3E, 0x41, 0x49, 0x49, 0x7A),
    "H": (0x7F, 0x08, 0x08, 0x08, 0x7F),
    "I": (0x00, 0x41, 0x7F, 0x41, 0x00),
    "J": (0x20, 0x40, 0x41, 0x3F, 0x01),
    "K": (0x7F, 0x08, 0x14, 0x22, 0x41),
    "L": (0x7F, 0x40, 0x40, 0x40, 0x40),
    "M": (0x7F, 0x02, 0x0C, 0x02, 0x7F),
    "N": (0x7F, 0x04, 0x08, 0x10, 0x7F),
    "O": (0x3E, 0x41, 0x41, 0x41, 0x3E),
    "P": (0x7F, 0x09, 0x09, 0x09, 0x06),
    "Q": (0x3E, 0x41, 0x51, 0x21, 0x5E),
    "R": (0x7F, 0x09, 0x19, 0x29, 0x46),
    "S": (0x46, 0x49, 0x49, 0x49, 0x31),
    "T": (0x01, 0x01, 0x7F, 0x01, 0x01),
    "U": (0x3F, 0x40, 0x40, 0x40, 0x3F),
    "V": (0x1F, 0x20, 0x40, 0x20, 0x1F),
    "W": (0x3F, 0x40, 0x38, 0x40, 0x3F),
    "X": (0x63, 0x14, 0x08, 0x14, 0x63),
    "Y": (0x07, 0x08, 0x70, 0x08, 0x07),
    "Z": (0x61, 0x51, 0x49, 0x45, 0x43),
    ".": (0x00, 0x60, 0x60, 0x00, 0x00),
    ",": (0x00, 0x50, 0x30, 0x00, 0x00),
    "-": (0x08, 0x08, 0x08, 0x08, 0x08),
    "/": (0x20, 0x10, 0x08, 0x04, 0x02),
    "(": (0x00, 0x1C, 0x22, 0x41, 0x00),
    ")": (0x00, 0x41, 0x22, 0x1C, 0x00),
    ":": (0x00, 0x36, 0x36, 0x00, 0x00),
    "%": (0x23, 0x13, 0x08, 0x64, 0x62),
    "+": (0x08, 0x08, 0x3E, 0x08, 0x08),
    "_": (0x40, 0x40, 0x40, 0x40, 0x40),
    "=": (0x14, 0x14, 0x14, 0x14, 0x14),
    "<": (0x08, 0x14, 0x22, 0x41, 0x00),
    ">": (0x41, 0x22, 0x14, 0x08, 0x00),
}
_UNKNOWN = (0x7F, 0x41, 0x41, 0x41, 0x7F)  # a box


def hex_colour(text: str) -> Colour:
    """``#1f77b4`` → (31, 119, 180)."""
    text = text.lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


class Canvas:
    def __init__(self, width: int, height: int, background: Colour = WHITE) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(background) * (width * height))

    def dot(self, x: float, y: float, colour: Colour) -> None:
        x, y = round(x), round(y)
        if 0 <= x < self.width and 0 <= y < self.height:
            at = (y * self.width + x) * 3
            self.pixels[at : at + 3] = bytes(colour)

    def line(
        self, x0: float, y0: float, x1: float, y1: float, colour: Colour, *, width: int = 1, dash: int = 0
    ) -> None:
        """A straight line ``width`` pixels thick; ``dash``: drawn ``dash`` pixels on, ``dash`` off."""
        steps = max(1, round(max(abs(x1 - x0), abs(y1 - y0))))
        spread = range(-(width // 2), width - width // 2)
        for step in range(steps + 1):
            if dash and (step // dash) % 2:
                continue
            x, y = x0 + (x1 - x0) * step / steps, y0 + (y1 - y0) * step / steps
            for dx in spread:
                for dy in spread:
                    self.dot(x + dx, y + dy, colour)

    def disc(self, cx: float, cy: float, radius: int, colour: Colour) -> None:
        for dy in range(-radius, radius + 1):
            for dx in range(-radius, radius + 1):
                if dx * dx + dy * dy <= radius * radius:
                    self.dot(cx + dx, cy + dy, colour)

    def text(
        self, x: float, y: float, text: str, colour: Colour = BLACK, *, anchor: str = "start", scale: int = 1
    ) -> None:
        """``y`` is the text's baseline (its 7 rows end there); ``anchor``: start, middle or end."""
        advance = 6 * scale
        width = len(text) * advance - scale
        left = x - (width / 2 if anchor == "middle" else width if anchor == "end" else 0)
        top = y - 7 * scale
        for n, char in enumerate(text.upper()):
            for column, bits in enumerate(_FONT.get(char, _UNKNOWN)):
                for row in range(7):
                    if bits >> row & 1:
                        for sx in range(scale):
                            for sy in range(scale):
                                self.dot(left + n * advance + column * scale + sx, top + row * scale + sy, colour)

    def png(self) -> bytes:
        rows = b"".join(
            b"\x00" + bytes(self.pixels[y * self.width * 3 : (y + 1) * self.width * 3]) for y in range(self.height)
        )

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)  # 8-bit RGB
        return (
            b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
        )

    def save(self, path: Path) -> None:
        path.write_bytes(self.png())
