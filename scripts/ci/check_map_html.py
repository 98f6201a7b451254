#!/usr/bin/env python3
"""Opens `gate map --format html` in headless Chromium and fails unless the
page renders: no console message (errors, uncaught exceptions), a screenshot
that is not blank, one matrix cell per pair of layers, and no address outside
the file.

Usage: check_map_html.py --gate GATE --project DIR [--chromium PATH]

Needs only Python's standard library and Chromium (Debian's `chromium`
package); the PNG is decoded here so nothing else is installed.
"""

from __future__ import annotations

import argparse
import json
import re
import struct
import subprocess
import sys
import tempfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

# Chromium's flags for a closed network: without the background-networking
# ones it tries Google's hosts at every start.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--window-size=1400,1800",
]
TIMEOUT_SECONDS = 60
EXTERNAL = re.compile(r"""(?:src|href|xlink:href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I)


def fail(message: str) -> None:
    print(f"check_map_html: {message}", file=sys.stderr)
    sys.exit(1)


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        fail(f"cannot run {command[0]}: {error}")
        raise AssertionError("unreachable")


class Page(HTMLParser):
    """Counts the matrix cells of the rendered DOM and checks that every
    element opened is closed in order (void elements aside)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.cells = 0
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if "cell" in (names.get("class") or "").split() and "data-from" in names and "data-to" in names:
            self.cells += 1
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if "cell" in (names.get("class") or "").split() and "data-from" in names:
            self.cells += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> at line {self.getpos()[0]} closes <{self.open[-1] if self.open else 'nothing'}>")
            if tag in self.open:
                while self.open.pop() != tag:
                    pass
            return
        self.open.pop()


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """The rows of an 8-bit RGB or RGBA PNG, unfiltered."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("the screenshot is not a PNG")
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        chunk = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    if header is None:
        fail("the screenshot has no IHDR")
    width, height, depth, color, *_ = header
    channels = {2: 3, 6: 4}.get(color)
    if depth != 8 or channels is None:
        fail(f"unexpected PNG format: depth {depth}, colour type {color}")
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, channels, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gate", required=True)
    parser.add_argument("--project", required=True, type=Path)
    parser.add_argument("--chromium", default="chromium")
    args = parser.parse_args()

    mapped = run([args.gate, "map", "--format", "json"], cwd=args.project)
    if mapped.returncode != 0:
        fail(f"gate map --format json exited with {mapped.returncode}: {mapped.stderr}")
    layers = len(json.loads(mapped.stdout)["matrix"]["layers"])

    with tempfile.TemporaryDirectory(prefix="gate-map-html-") as folder:
        page = Path(folder) / "map.html"
        written = run([args.gate, "map", "--format", "html", "-o", str(page)], cwd=args.project)
        if written.returncode != 0:
            fail(f"gate map --format html exited with {written.returncode}: {written.stderr}")
        html = page.read_text(encoding="utf-8")
        external = EXTERNAL.search(html)
        if external:
            fail(f"the page names an address outside itself: {external.group(0)!r}")
        source = Page()
        source.feed(html)
        source.close()
        if source.errors or source.open:
            fail(f"the page is not well-formed: {(source.errors + [f'<{t}> left open' for t in source.open])[:5]}")

        profile = Path(folder) / "profile"
        url = page.as_uri()
        dumped = run([args.chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url])
        if dumped.returncode != 0:
            fail(f"chromium --dump-dom exited with {dumped.returncode}: {dumped.stderr[-2000:]}")
        console = [line for line in dumped.stderr.splitlines() if ":CONSOLE" in line]
        if console:
            fail("the page wrote to the console:\n" + "\n".join(console))
        rendered = Page()
        rendered.feed(dumped.stdout)
        if rendered.cells != layers * layers:
            fail(f"the rendered matrix has {rendered.cells} cells; {layers} layers make {layers * layers}")

        shot = Path(folder) / "map.png"
        shooting = run([args.chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}", url])
        if shooting.returncode != 0 or not shot.exists():
            fail(f"chromium --screenshot failed ({shooting.returncode}): {shooting.stderr[-2000:]}")
        width, channels, rows = png_pixels(shot.read_bytes())
        colours = {row[i : i + 3] for row in rows[::8] for i in range(0, width * channels, 8 * channels)}
        background = rows[0][:3]
        inked = sum(1 for row in rows for i in range(0, width * channels, channels) if row[i : i + 3] != background)
        share = inked / (width * len(rows))
        if len(colours) < 8 or share < 0.02:
            fail(f"the screenshot looks blank: {len(colours)} colours, {share:.1%} of pixels drawn")
    print(f"check_map_html: {layers}x{layers} matrix cells rendered, no console message, {len(colours)} colours, {share:.1%} of the screenshot drawn")
    return 0


if __name__ == "__main__":
    sys.exit(main())
