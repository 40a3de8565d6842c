#!/usr/bin/env python3
"""Schemathesis against a live `guichet serve` with the demo data, once per role: every check,
bounded in time. Prints each role's summary; exits 1 when any role finds a failure.

    python3 tests/scripts/schemathesis_run.py --binary target/debug/guichet --max-time 60

Schemathesis comes from PyPI, installed by .ci/run into target/ci-venv.
"""

import argparse
import os
import subprocess
import sys

from service import Service, drop_database, fresh_database, login, request

CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")

ROLES = ["correspondent", "guichet-agent", "collectivite-agent", "service-account",
         "steering", "admin"]


def service_account_token(base):
    admin = login(base, "admin")
    status, _, created = request(base, "POST", "/api/v1/admin/service-accounts", token=admin,
                                 body={"name": "Schemathesis", "vendor": "titulaire-ent-grand-est"})
    if status != 201:
        raise RuntimeError(f"service account: {status} {created}")
    status, _, token = request(base, "POST", "/api/v1/auth/token", body={
        "grant_type": "client_credentials", "client_id": created["client_id"],
        "client_secret": created["client_secret"]})
    if status != 200:
        raise RuntimeError(f"client credentials: {status} {token}")
    return token["access_token"]


FILE = {
    "affected_profiles": ["teacher"], "users_affected": 12, "occurred_at": "2026-11-24T07:45:00Z",
    "steps_to_reproduce": "Ouvrir la page", "error_message": "Erreur", "browser_device": "Firefox",
    "url": "https://ent.example/page",
}


def fixture_tickets(base):
    """Three tickets of a Metz collège: at the guichet, with the Département de la Moselle,
    and escalated to the vendor. Returns their references by where they are."""
    school, guichet = login(base, "correspondent"), login(base, "guichet-agent")

    def opened(category):
        status, _, body = request(base, "POST", "/api/v1/tickets", token=school, body={
            "establishment": "0579001Z", "title": "Ticket de test", "description": "Test",
            "category": category})
        assert status == 201, body
        return body["reference"]

    def write(reference, route, body):
        _, headers, _ = request(base, "GET", f"/api/v1/tickets/{reference}", token=guichet)
        status, _, answer = request(base, "POST", f"/api/v1/tickets/{reference}/{route}",
                                    token=guichet, body=body,
                                    headers={"If-Match": headers.get("ETag", "")})
        assert status == 200, answer

    at_guichet = opened("messagerie")
    at_moselle = opened("reseau-internet")
    write(at_moselle, "routing", {"by_rule": True})
    at_vendor = opened("espaces-collaboratifs")
    write(at_vendor, "escalation", {"justification": "proven_malfunction", "technical_file": FILE})
    return {"guichet": at_guichet, "moselle": at_moselle, "vendor": at_vendor}


# The ticket each role's run works on: one it takes part in.
TICKET_OF_ROLE = {"collectivite-agent": "moselle", "service-account": "vendor"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/debug/guichet")
    parser.add_argument("--schemathesis", default="target/ci-venv/bin/schemathesis")
    parser.add_argument("--max-time", type=int, default=60, help="seconds per role")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--report-dir", default="target/schemathesis")
    args = parser.parse_args()

    roles = args.roles.split(",")
    failed = []
    os.makedirs(args.report_dir, exist_ok=True)
    for role in roles:
        # A fresh demo database per role: what one role's fuzzing changes (users disabled,
        # passwords set) does not reach the next.
        database_url = fresh_database("sqlite")
        service = Service(args.binary, database_url, extra_env={
            "GUICHET_ACCESS_TOKEN_MINUTES": "60",
        })
        service.start()
        try:
            tickets = fixture_tickets(service.base)
            token = (service_account_token(service.base) if role == "service-account"
                     else login(service.base, role))
            print(f"\n== schemathesis as {role}", flush=True)
            env = dict(os.environ, GUICHET_TICKET=tickets[TICKET_OF_ROLE.get(role, "guichet")])
            run = subprocess.run([
                args.schemathesis, "--config-file", CONFIG, "run",
                f"{service.base}/openapi.json",
                "--url", service.base,
                "--header", f"Authorization: Bearer {token}",
                "--checks", "all",
                # Logging out ends the token the run uses: every later request would be 401.
                "--exclude-path", "/api/v1/auth/logout",
                "--max-time", str(args.max_time),
                # One worker: two threads crash schemathesis itself at times (CPython's
                # "AST constructor recursion depth mismatch").
                "--workers", "1",
                "--suppress-health-check", "all",
                "--report", "junit",
                "--report-dir", os.path.join(args.report_dir, role),
            ], env=env)
            if run.returncode != 0:
                failed.append(role)
        finally:
            service.stop()
            drop_database(database_url)
    print(f"\nschemathesis: {len(roles) - len(failed)} role(s) clean, failures for: "
          f"{failed or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
