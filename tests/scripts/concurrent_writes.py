#!/usr/bin/env python3
"""Eight clients at once against a running `guichet serve`: each opens tickets as a school's
correspondent and acts on them as the guichet (qualify, assign, start, comment, resolve),
and lists the guichet's queue. With `--instances 2`, two services share the database and
the clients alternate between them. Prints the answers by status; exits 1 on any 5xx, or
when a ticket lacks its acknowledgement or its resolution notice in the outbox (or has two).

    python3 tests/scripts/concurrent_writes.py --binary target/debug/guichet --database sqlite
    TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python3 tests/scripts/concurrent_writes.py --database postgres
"""

import argparse
import collections
import sys
import threading
import time

from service import Service, drop_database, fresh_database, login, request, sql_count

# Tickets whose outbox does not hold exactly one acknowledgement, and, once resolved, exactly
# one resolution notice.
UNANNOUNCED = (
    "SELECT count(*) FROM tickets t WHERE (SELECT count(*) FROM outbox o WHERE o.ticket_id = t.id "
    "AND o.notice = 'ticket_acknowledged') <> 1 OR (t.status = 'resolved' AND (SELECT count(*) "
    "FROM outbox o WHERE o.ticket_id = t.id AND o.notice = 'resolved') <> 1)")

STEPS = [
    ("qualification", {"impact": "high", "urgency": "medium"}),
    ("actions", {"action": "assign"}),
    ("actions", {"action": "start"}),
    ("comments", {"body": "Nous regardons", "visibility": "public"}),
    ("actions", {"action": "resolve", "resolution": "Réglé sur place"}),
]


def client(n, base, school, guichet, rounds, tally, only_open):
    def call(kind, method, path, **kwargs):
        started = time.time()
        status, headers, body = request(base, method, path, **kwargs)
        tally.record(kind, status, time.time() - started, body)
        return status, headers, body

    for i in range(rounds):
        status, _, body = call("open", "POST", "/api/v1/tickets", token=school, body={
            "establishment": "0579001Z", "title": f"Client {n} ticket {i}",
            "description": "Charge", "category": "messagerie"})
        if status != 201 or only_open:
            continue
        reference = body["reference"]
        for route, payload in STEPS:
            path = f"/api/v1/tickets/{reference}/{route}"
            headers = {}
            if route != "comments":
                _, read_headers, _ = request(base, "GET", f"/api/v1/tickets/{reference}", token=guichet)
                headers["If-Match"] = read_headers.get("ETag", "")
            call(route if route != "actions" else payload["action"], "POST", path, token=guichet,
                 body=payload, headers=headers)
        call("list", "GET", "/api/v1/tickets?queue=ac-nancy-metz/guichet&limit=20", token=guichet)


class Tally:
    """The answers by kind and status, the slowest answer of each kind, and the first few
    server errors (their problem documents say which failure it was)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()
        self.slowest = collections.defaultdict(float)
        self.failures = []

    def record(self, kind, status, seconds, body):
        with self.lock:
            self.counts[(kind, status)] += 1
            self.slowest[kind] = max(self.slowest[kind], seconds)
            if status >= 500 and len(self.failures) < 5:
                self.failures.append((kind, status, body))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/debug/guichet")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--only-open", action="store_true",
                        help="only open tickets (to compare creation rates across concurrency)")
    args = parser.parse_args()

    database_url = fresh_database(args.database)
    services = [Service(args.binary, database_url) for _ in range(args.instances)]
    try:
        for service in services:
            service.start()
        bases = [service.base for service in services]
        # One login per role; the tokens are valid on every instance (one secret).
        school, guichet = login(bases[0], "correspondent"), login(bases[0], "guichet-agent")
        tally = Tally()
        started = time.time()
        threads = [threading.Thread(target=client, args=(n, bases[n % len(bases)], school, guichet,
                                                         args.rounds, tally, args.only_open))
                   for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - started
        unannounced = sql_count(database_url, UNANNOUNCED)
    finally:
        for service in services:
            service.stop()
        drop_database(database_url)
    counts = tally.counts
    total = sum(counts.values())
    errors = sum(c for (_, status), c in counts.items() if status >= 500)
    print(f"{args.database}, {args.instances} instance(s): {args.clients} clients, "
          f"{total} requests in {elapsed:.1f} s "
          f"({total / elapsed:.0f}/s)")
    for (kind, status), n in sorted(counts.items()):
        print(f"  {kind:<14} {status}  {n:<5} slowest answer of the kind {tally.slowest[kind]:.2f} s")
    print(f"  5xx: {errors}")
    for kind, status, body in tally.failures:
        print(f"    {kind} {status}: {body}")
    print(f"  tickets whose acknowledgement or resolution notice is missing or twice: {unannounced}")
    return 1 if errors or unannounced else 0


if __name__ == "__main__":
    sys.exit(main())
