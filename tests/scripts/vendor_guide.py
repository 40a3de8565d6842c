#!/usr/bin/env python3
"""Runs docs/vendor-integration.md as written: every ```bash block, in order, in one bash
with `set -euo pipefail`, against a fresh demo service. Exits with bash's status.

    python3 tests/scripts/vendor_guide.py --binary target/debug/guichet

Needs curl and jq (.ci/run installs jq).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

from service import Service, drop_database, fresh_database

GUIDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                     "vendor-integration.md")


def blocks(markdown):
    """The guide's ```bash blocks, in order."""
    return re.findall(r"^```bash\n(.*?)^```$", markdown, flags=re.S | re.M)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/debug/guichet")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()

    with open(GUIDE, encoding="utf-8") as f:
        commands = blocks(f.read())
    if not commands:
        print("vendor guide: no bash block found", file=sys.stderr)
        return 1
    script = "set -euo pipefail\n" + "\n".join(
        f"echo '== bloc {i} de {len(commands)}'\n{block}" for i, block in enumerate(commands, 1))
    database_url = fresh_database(args.database)
    service = Service(args.binary, database_url)
    service.start()
    try:
        with tempfile.TemporaryDirectory(prefix="guichet-vendor-guide-") as workdir:
            run = subprocess.run(["bash", "-c", script], cwd=workdir,
                                 env=dict(os.environ, GUICHET=service.base))
    finally:
        service.stop()
        drop_database(database_url)
    print(f"vendor guide: {len(commands)} blocks, "
          f"{'all ran' if run.returncode == 0 else f'failed (exit {run.returncode})'}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
