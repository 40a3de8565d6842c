#!/usr/bin/env python3
"""A review rendered by a real browser: `guichet demo generate` writes two months of a
desk's activity through the services (tickets routed, refused, escalated, reopened, major
incidents with their outages), a demo service serves it, an admin prepares, holds and
publishes the review of last month, and headless Chromium takes a screenshot of its printable
page. The page must carry its four charts, and the screenshot must show them: it is decoded
here and must hold the charts' blue and green bars. The files stay in
target/screenshots/ for a reviewer to open.

    python3 tests/scripts/review_screenshot.py --binary target/debug/guichet
"""

import argparse
import datetime
import os
import struct
import subprocess
import sys
import tempfile
import urllib.request
import zlib

from service import Service, drop_database, fresh_database, login, request

BLUE, GREEN = (0x00, 0x00, 0x91), (0x18, 0x75, 0x3C)


def png_pixels(path):
    """The RGB pixels of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            if depth != 8 or colour not in (2, 6):
                raise ValueError(f"PNG depth {depth} colour type {colour} not handled")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    previous, pixels = bytearray(stride), []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xFF
        pixels.extend(tuple(line[i:i + 3]) for i in range(0, stride, channels))
        previous = line
    return pixels


def last_month():
    """The first days of the last whole month and of this one, in Paris (near enough)."""
    today = datetime.date.today()
    first = today.replace(day=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    return previous.isoformat(), first.isoformat()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/debug/guichet")
    parser.add_argument("--chromium", default="chromium")
    parser.add_argument("--out", default="target/screenshots")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    html_path = os.path.abspath(os.path.join(args.out, "review.html"))
    png_path = os.path.abspath(os.path.join(args.out, "review.png"))

    database_url = fresh_database("sqlite")
    service = Service(args.binary, database_url)
    print(service.run("demo", "generate", "--tickets", "600", "--months", "2").strip())
    service.start()
    try:
        admin = login(service.base, "admin")
        guichet = login(service.base, "guichet-agent")
        _, _, page = request(service.base, "GET", "/api/v1/tickets?limit=2", token=guichet)
        references = [t["reference"] for t in page["items"]]
        start, end = last_month()
        status, _, review = request(service.base, "POST", "/api/v1/reviews", token=admin, body={
            "territory": "GE", "audience": "costra", "from": start, "to": end,
            "participants": ["ac-nancy-metz", "dep-57", "titulaire-ent-grand-est"]})
        if status != 201:
            raise RuntimeError(f"review: {status} {review}")
        path = f"/api/v1/reviews/{review['id']}"
        status, _, body = request(service.base, "POST", f"{path}/actions", token=admin, body={
            "title": "Superviser la messagerie et prévenir les établissements", "owner": "dep-57",
            "due_on": "2027-01-15", "tickets": references[:2]})
        if status != 201:
            raise RuntimeError(f"improvement action: {status} {body}")
        for step in ("held", "published"):
            status, _, body = request(service.base, "POST", f"{path}/status", token=admin,
                                      body={"status": step})
            if status != 200:
                raise RuntimeError(f"{step}: {status} {body}")
        page = urllib.request.Request(service.base + path, headers={
            "Authorization": f"Bearer {admin}", "Accept": "text/html"})
        with urllib.request.urlopen(page, timeout=30) as response:
            html = response.read().decode()
    finally:
        service.stop()
        drop_database(database_url)
    with open(html_path, "w", encoding="utf-8") as f:
        f.write(html)
    with tempfile.TemporaryDirectory(prefix="guichet-chromium-") as profile:
        shot = subprocess.run([
            args.chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--hide-scrollbars",
            "--window-size=900,2600", f"--screenshot={png_path}", f"file://{html_path}",
        ], capture_output=True, text=True, timeout=120)
    pixels = png_pixels(png_path) if shot.returncode == 0 and os.path.exists(png_path) else []
    blue, green = pixels.count(BLUE), pixels.count(GREEN)
    checks = {
        "the page holds its four charts": html.count("<svg") == 4,
        "the browser took the screenshot": len(pixels) > 0,
        "the screenshot shows blue bars (opened, first answers, availability)": blue > 2000,
        "the screenshot shows green bars (resolved, resolutions)": green > 500,
    }
    for name, ok in checks.items():
        print(f"review screenshot: {'ok' if ok else 'FAILED'} — {name}")
    print(f"review screenshot: {png_path} ({len(pixels)} pixels, {blue} blue, {green} green)")
    if not all(checks.values()):
        print(shot.stderr[-3000:], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
