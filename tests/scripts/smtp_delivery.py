#!/usr/bin/env python3
"""Notifications delivered through a real SMTP server on loopback (aiosmtpd), by a live
`guichet serve`: a message arrives intact (headers, both parts, French accents); a server
answering 4xx is retried until it accepts; a 5xx makes a dead letter that an admin sees and
retries through the API; a server down for a while loses nothing and receives nothing twice;
a `kill -9` of the service while it sends (and while choices are written) loses nothing,
leaves nothing stuck and no half-written choice (the message being sent at the kill may
arrive twice: delivery is at least once).

    target/ci-venv/bin/python tests/scripts/smtp_delivery.py --binary target/debug/guichet

aiosmtpd comes from PyPI (.ci/run installs it into target/ci-venv).
"""

import argparse
import asyncio
import email
import email.policy
import sys
import threading
import time

from aiosmtpd.controller import Controller

from service import Service, drop_database, fresh_database, free_port, login, request, sql_count


class Handler:
    """Accepts, or answers 451 / 550 to every recipient, as `mode` says."""

    def __init__(self):
        self.mode = "accept"
        self.received = []
        self.refused = 0
        self.delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "busy":
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        if self.mode == "reject":
            self.refused += 1
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(message)
        return "250 Message accepted"


def write_choices(base, token, choices):
    """Writes choices in turn until the service dies under it (connection errors end it)."""
    for n in range(200):
        try:
            request(base, "PUT", "/api/v1/me/notifications", token=token,
                    body=choices[n % len(choices)], timeout=5)
        except OSError:
            return


def wait_for(what, check, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def open_ticket(base, token, title):
    status, _, body = request(base, "POST", "/api/v1/tickets", token=token, body={
        "establishment": "0579001Z", "category": "messagerie", "title": title,
        "description": "Les élèves de 4e B ne reçoivent plus rien depuis lundi"})
    assert status == 201, body
    return body["reference"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/debug/guichet")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()

    handler = Handler()
    smtp_port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    database_url = fresh_database(args.database)
    service = Service(args.binary, database_url, extra_env={
        "GUICHET_SMTP_HOST": "127.0.0.1", "GUICHET_SMTP_PORT": str(smtp_port),
        "GUICHET_SMTP_TLS": "none", "GUICHET_MAIL_POLL_SECONDS": "1",
        "GUICHET_MAIL_RETRY_SECONDS": "1", "GUICHET_MAIL_MAX_ATTEMPTS": "8",
        "GUICHET_MAIL_FROM": "Guichet ENT <guichet@ent.example>",
        "GUICHET_MAIL_LEASE_SECONDS": "5",
    })
    service.start()
    rows = lambda where="": sql_count(database_url, f"SELECT count(*) FROM outbox {where}")
    try:
        base = service.base
        school, admin = login(base, "correspondent"), login(base, "admin")

        # 1. Intact: headers, both parts, accents.
        reference = open_ticket(base, school, "Élèves privés de messagerie à Metz")
        wait_for("the first three messages", lambda: len(handler.received) >= 3)
        ack = next(m for m in handler.received
                   if "correspondent.ge@demo.guichet.example" in m["To"])
        assert ack["Subject"] == (f"[{reference}] Demande enregistrée : "
                                  "Élèves privés de messagerie à Metz"), ack["Subject"]
        assert ack["From"] == "Guichet ENT <guichet@ent.example>", ack["From"]
        assert ack["Message-ID"].startswith("<outbox-"), ack["Message-ID"]
        assert ack["In-Reply-To"] == f"<{reference}@127.0.0.1>", ack["In-Reply-To"]
        assert ack["References"] == f"<{reference}@127.0.0.1>"
        assert ack.get_content_type() == "multipart/alternative"
        text = ack.get_body(preferencelist=("plain",)).get_content()
        html = ack.get_body(preferencelist=("html",)).get_content()
        assert "Établissement : Collège démo Les Tilleuls — Metz (0579001Z)" in text, text
        assert "« Les élèves de 4e B ne reçoivent plus rien depuis lundi »" in text, text
        assert "Élèves privés de messagerie à Metz" in html and "<html lang=\"fr\">" in html
        print(f"intact: {len(handler.received)} messages, subject, threading, both parts, accents")

        # 2. 4xx: retried, then delivered.
        handler.mode = "busy"
        open_ticket(base, school, "Serveur occupé")
        wait_for("refusals", lambda: handler.refused >= 3)
        wait_for("a retry scheduled", lambda: rows("WHERE state = 'pending' AND attempts >= 1") >= 1)
        handler.mode = "accept"
        wait_for("delivery after 451", lambda: len(handler.received) >= 6)
        assert rows("WHERE state = 'sent' AND attempts >= 2") >= 1
        print(f"451: {handler.refused} refusals, then delivered")

        # 3. 5xx: dead letters, seen and retried through the admin API.
        handler.mode = "reject"
        refused_reference = open_ticket(base, school, "Adresse refusée")
        wait_for("dead letters", lambda: rows("WHERE state = 'dead'") == 3)
        status, _, dead = request(base, "GET", "/api/v1/admin/outbox?state=dead", token=admin)
        assert status == 200 and len(dead["items"]) == 3, dead
        assert all(item["ticket"] == refused_reference and "550" in item["last_error"]
                   for item in dead["items"]), dead
        handler.mode = "accept"
        for item in dead["items"]:
            status, _, retried = request(base, "POST", f"/api/v1/admin/outbox/{item['id']}/retry",
                                         token=admin, body={})
            assert status == 200 and retried["state"] == "pending", retried
        wait_for("delivery after retry", lambda: len(handler.received) >= 9)
        assert rows("WHERE state = 'dead'") == 0
        print("550: 3 dead letters listed by the admin API, retried, delivered")

        # 4. Down for a while, then back: nothing lost, nothing twice.
        smtp.stop()
        for i in range(3):
            open_ticket(base, school, f"Panne pendant la coupure {i}")
        wait_for("failed attempts while down",
                 lambda: rows("WHERE state = 'pending' AND attempts >= 1") >= 9)
        time.sleep(2)
        smtp = Controller(handler, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        total = rows()
        wait_for("everything delivered", lambda: rows("WHERE state = 'sent'") == total, timeout=90)
        ids = [m["Message-ID"] for m in handler.received]
        assert len(ids) == len(set(ids)), "a message arrived twice"
        assert len(ids) == total, (len(ids), total)
        print(f"down and back: {total} messages in the outbox, {len(ids)} received, "
              f"0 lost, 0 twice")

        # 5. kill -9 while sending and while an agent writes their choices: nothing lost,
        # nothing stuck past its lease, no half-written choice.
        handler.delay = 0.15
        before = len(handler.received)
        for i in range(8):
            open_ticket(base, school, f"Envoi interrompu {i}")
        wait_for("sending under way", lambda: len(handler.received) >= before + 5)
        agent = login(base, "guichet-agent")
        choices = [{"muted": ["agent_comment"], "queue_digest": True},
                   {"muted": [], "queue_digest": False}]
        writers = [threading.Thread(target=write_choices, args=(base, agent, choices))
                   for _ in range(4)]
        for writer in writers:
            writer.start()
        time.sleep(0.3)
        service.kill()
        for writer in writers:
            writer.join()
        handler.delay = 0.0
        service.start()
        total = rows()
        wait_for("everything delivered after the kill",
                 lambda: rows("WHERE state = 'sent'") == total, timeout=90)
        ids = [m["Message-ID"] for m in handler.received]
        twice = len(ids) - len(set(ids))
        assert len(set(ids)) == total, (len(set(ids)), total)
        assert twice <= 1, f"{twice} messages arrived twice"
        agent = login(base, "guichet-agent")
        status, _, kept = request(base, "GET", "/api/v1/me/notifications", token=agent)
        assert status == 200, kept
        assert {"muted": kept["muted"], "queue_digest": kept["queue_digest"]} in choices, kept
        print(f"kill -9 while sending: {total} messages in the outbox, {len(set(ids))} distinct "
              f"received, 0 lost, 0 stuck, {twice} sent twice (the one in flight at the kill)")
    finally:
        service.stop()
        smtp.stop()
        drop_database(database_url)
    print("smtp delivery: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
