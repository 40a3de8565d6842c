#!/usr/bin/env python3
"""Renders /docs/ in headless Chromium with the network cut, and checks that the reference is
there: the API's title, and one operation block per documented operation.

The service and the browser run in a network namespace of their own (`unshare -rn`) where only
the loopback interface exists: nothing can be fetched from outside, as on a desk without
Internet. Run this script as `unshare -rn python3 tests/scripts/docs_offline.py …`; it refuses to
run when a public address is reachable.

    unshare -rn python3 tests/scripts/docs_offline.py --binary target/debug/guichet
"""

import argparse
import json
import re
import socket
import subprocess
import sys
import tempfile

from service import Service, drop_database, fresh_database, request


def network_is_cut():
    """No route out: connecting to a public address fails at once."""
    try:
        with socket.create_connection(("1.1.1.1", 443), timeout=2):
            return False
    except OSError:
        return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/debug/guichet")
    parser.add_argument("--chromium", default="chromium")
    args = parser.parse_args()

    if not network_is_cut():
        print("docs offline: the network is reachable; run under `unshare -rn`", file=sys.stderr)
        return 2
    subprocess.run(["ip", "link", "set", "lo", "up"], check=False)
    database_url = fresh_database("sqlite")
    service = Service(args.binary, database_url)
    service.start()
    try:
        _, _, document = request(service.base, "GET", "/openapi.json")
        operations = sum(1 for item in document["paths"].values() for method in item
                         if method in ("get", "post", "put", "patch", "delete"))
        with tempfile.TemporaryDirectory(prefix="guichet-chromium-") as profile:
            rendered = subprocess.run([
                args.chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                "--virtual-time-budget=15000", "--dump-dom", f"{service.base}/docs/",
            ], capture_output=True, text=True, timeout=120)
    finally:
        service.stop()
        drop_database(database_url)
    dom = rendered.stdout
    blocks = len(re.findall(r'class="opblock opblock-', dom))
    title = document["info"]["title"]
    checks = {
        "the page rendered": rendered.returncode == 0 and len(dom) > 1000,
        f"the title « {title} »": f">{title}<" in dom or f">{title} <" in dom,
        f"{operations} operations shown": blocks == operations,
        "the link to the error catalogue": "/guides/errors" in dom,
    }
    for name, ok in checks.items():
        print(f"docs offline: {'ok' if ok else 'FAILED'} — {name}")
    print(f"docs offline: {blocks} operation blocks rendered for {operations} documented, "
          f"{len(dom)} characters of DOM")
    if not all(checks.values()):
        print(dom[:3000], file=sys.stderr)
        print(rendered.stderr[-3000:], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
