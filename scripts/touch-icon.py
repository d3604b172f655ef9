#!/usr/bin/env python3
"""Writes public/apple-touch-icon.png (180×180) from the shapes of public/favicon.svg.

A phone's home screen wants a PNG; the SVG is the source of truth. Standard library only
(no image tools on the build machines): python3 scripts/touch-icon.py
"""
import struct, zlib, pathlib

SIZE, SCALE = 180, 180 / 64
BLUE, WHITE = (0x0B, 0x4F, 0x8A), (0xFF, 0xFF, 0xFF)
RECTS = [(17, 25, 6, 20), (29, 25, 6, 20), (41, 25, 6, 20), (10, 47, 44, 6)]

def colour(px, py):
    x, y = px / SCALE, py / SCALE  # the SVG's 64-unit grid
    if any(rx <= x < rx + w and ry <= y < ry + h for rx, ry, w, h in RECTS):
        return WHITE
    # The pediment: the triangle (32,10) (54,22) (10,22).
    if 10 <= y <= 22 and abs(x - 32) <= (y - 10) * 22 / 12:
        return WHITE
    return BLUE  # iOS rounds the corners itself.

rows = b"".join(b"\0" + bytes(c for px in range(SIZE) for c in colour(px + 0.5, py + 0.5)) for py in range(SIZE))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
pathlib.Path(__file__).resolve().parent.parent.joinpath("public/apple-touch-icon.png").write_bytes(png)
