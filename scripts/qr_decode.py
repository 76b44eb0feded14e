#!/usr/bin/env python3
"""Decodes QR codes drawn by Primer with a real decoder (zxing-cpp), for the tests.

Usage: qr_decode.py [--scale N] FILE...

Each FILE is either
  - a module matrix as QRCode.matrixText writes it: one row per line, "1" dark, "0" light, no
    quiet zone (a 4-module light quiet zone is added here), or
  - an SVG as QRCode.svg writes it (name ending in .svg): its viewBox is the symbol with its quiet
    zone in modules, and the dark modules are the rectilinear <path fill="#000" d="...">, drawn
    with M/m, H/h, V/v, L/l and Z/z commands (filled here with the even-odd rule, which equals the
    nonzero rule for the non-overlapping rectangles Primer draws).

The modules become a grayscale image (N pixels per module, default 4; dark 0, light 255) that
zxingcpp.read_barcodes decodes. Prints a JSON list with one entry per FILE, in order:
  {"file": ..., "results": [{"text", "bytes_hex", "format", "ec_level", "version", "mask",
                             "unused_ec"}, ...]}
where version, mask and unused_ec (the share of error correction left unused: 1.0 means the
decoder corrected nothing) come from zxing-cpp's `extra` data.
Needs the PyPI packages zxing-cpp and numpy.
"""

import json
import re
import sys

import numpy as np
import zxingcpp

QUIET_ZONE = 4


def read_matrix(path):
    with open(path, encoding="utf-8") as handle:
        rows = [line.strip() for line in handle if line.strip()]
    if not rows or any(len(row) != len(rows[0]) or set(row) - {"0", "1"} for row in rows):
        raise ValueError(f"{path}: not a matrix of 0/1 rows of equal length")
    dark = np.array([[cell == "1" for cell in row] for row in rows], dtype=bool)
    return np.pad(dark, QUIET_ZONE, constant_values=False)


def read_svg(path):
    with open(path, encoding="utf-8") as handle:
        svg = handle.read()
    view_box = re.search(r'viewBox="([^"]+)"', svg)
    if not view_box:
        raise ValueError(f"{path}: no viewBox")
    min_x, min_y, width, height = (float(v) for v in view_box.group(1).replace(",", " ").split())
    if min_x != 0 or min_y != 0 or width != int(width) or height != int(height):
        raise ValueError(f"{path}: expected a viewBox of whole modules from 0 0")
    width, height = int(width), int(height)
    paths = re.findall(r'<path\b[^>]*\bd="([^"]*)"', svg)
    if len(paths) != 1:
        raise ValueError(f"{path}: expected exactly one <path>, found {len(paths)}")

    # Vertical edges of every closed subpath; a module is dark when a ray from its centre to the
    # left crosses an odd number of them (even-odd rule).
    toggles = np.zeros((height, width + 1), dtype=np.int64)
    x = y = start_x = start_y = 0.0

    def edge(x0, y0, x1, y1):
        if x0 == x1 and y0 != y1:
            top, bottom = sorted((y0, y1))
            for row in range(height):
                if top <= row + 0.5 < bottom:
                    column = int(round(x0))
                    toggles[row, min(max(column, 0), width)] += 1
        elif x0 != x1 and y0 != y1:
            raise ValueError(f"{path}: diagonal path segment")

    tokens = re.findall(r"[MmHhVvLlZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", paths[0])
    index, command = 0, None
    while index < len(tokens):
        token = tokens[index]
        if token.isalpha():
            command = token
            index += 1
            if command in "Zz":
                edge(x, y, start_x, start_y)
                x, y = start_x, start_y
            continue
        if command is None:
            raise ValueError(f"{path}: path data starts with a number")
        if command in "MmLl":
            dx, dy = float(tokens[index]), float(tokens[index + 1])
            index += 2
            nx, ny = (x + dx, y + dy) if command.islower() else (dx, dy)
            if command in "Mm":
                x, y, start_x, start_y = nx, ny, nx, ny
                command = "l" if command == "m" else "L"  # further pairs are line-tos
            else:
                edge(x, y, nx, ny)
                x, y = nx, ny
        elif command in "HhVv":
            value = float(tokens[index])
            index += 1
            nx, ny = x, y
            if command == "H":
                nx = value
            elif command == "h":
                nx = x + value
            elif command == "V":
                ny = value
            else:
                ny = y + value
            edge(x, y, nx, ny)
            x, y = nx, ny
        else:
            raise ValueError(f"{path}: unsupported path command {command}")
    crossings = np.cumsum(toggles, axis=1)[:, :width]
    return crossings % 2 == 1


def decode(dark, scale):
    image = np.where(dark, 0, 255).astype(np.uint8)
    image = np.kron(image, np.ones((scale, scale), dtype=np.uint8))
    results = []
    for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        extra = barcode.extra if isinstance(barcode.extra, dict) else {}
        results.append({
            "text": barcode.text,
            "bytes_hex": bytes(barcode.bytes).hex(),
            "format": str(barcode.format).split(".")[-1],
            "ec_level": barcode.ec_level,
            "version": extra.get("Version"),
            "mask": extra.get("DataMask"),
            "unused_ec": extra.get("UEC"),
        })
    return results


def main(argv):
    scale = 4
    files = []
    arguments = iter(argv)
    for argument in arguments:
        if argument == "--scale":
            scale = int(next(arguments))
        else:
            files.append(argument)
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    output = []
    for path in files:
        dark = read_svg(path) if path.endswith(".svg") else read_matrix(path)
        output.append({"file": path, "results": decode(dark, scale)})
    json.dump(output, sys.stdout, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
