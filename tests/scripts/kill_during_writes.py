#!/usr/bin/env python3
"""Ten `kill -9` of `guichet serve` during concurrent creations: afterwards no acknowledged
ticket is missing, no ticket exists twice, no idempotency key is stuck in flight, and every
stored ticket has exactly one acknowledgement in the outbox and its four service-level
clocks (written with it). Each client sends every opening with an `Idempotency-Key`; a
request whose answer was lost in the crash is retried with the same key once the service is
back, as a client would. Meanwhile a territory admin writes service-level policy versions
(every acknowledged version is stored, and the versions stored follow each other with no gap)
and an authority agent records outages, and the admin prepares reviews and adds improvement
actions (every acknowledged one is stored, each review with its participants), while the
monthly review job runs every second (a drafted review always comes with its notice, and a
territory's month is never drafted twice), and a guichet agent takes the acknowledged
tickets through to their resolution (stopping their clocks): afterwards the figures read from
the tallies are those recounted from the tickets (`guichet figures check`); a browser signs
in to the web desk and comments tickets from their pages and attaches files to them, again
and again: every session it was acknowledged still opens the desk after the crashes, every
acknowledged comment is stored once, every acknowledged file once with its bytes on disk;
a reader reads journals: every read answered is in the access log; and an admin creates
users and erases them: every erasure answered is stored whole.

    python3 tests/scripts/kill_during_writes.py --binary target/debug/guichet --database sqlite
"""

import argparse
import os
import http.client
import re
import urllib.parse
import random
import sys
import threading
import time

from service import (DEMO_PASSWORD, Service, drop_database, fresh_database, login, request,
                     sql_count, sql_value)


def opening(key):
    return {"establishment": "0579001Z", "title": key, "description": "Crash test",
            "category": "messagerie"}


def send(base, token, key):
    """The reference, or None when the service died before answering."""
    try:
        status, _, body = request(base, "POST", "/api/v1/tickets", token=token, body=opening(key),
                                  headers={"Idempotency-Key": key}, timeout=10)
    except OSError:
        return None
    if status != 201:
        raise RuntimeError(f"{key}: {status} {body}")
    return body["reference"]


def writer(base, token, round_, n, acknowledged, unanswered, stop, lock):
    i = 0
    while not stop.is_set():
        key = f"kill-{round_}-{n}-{i}"
        reference = send(base, token, key)
        with lock:
            if reference is None:
                unanswered.add(key)
                return
            acknowledged[key] = reference
        i += 1


def policy(minutes):
    return {"territory": "GE", "excludes_school_holidays": True,
            "targets": [{"priority": p, "response_minutes": minutes * p,
                         "resolution_minutes": minutes * p * 4} for p in range(1, 6)]}


def outage(i):
    return {"territory": "GE", "service": "directory_feed",
            "started_at": f"2026-11-{1 + i % 28:02d}T08:00:00Z",
            "ended_at": f"2026-11-{1 + i % 28:02d}T09:00:00Z",
            "description": f"kill-{i}"}


def review(i):
    return {"territory": "GE", "audience": "cotec", "from": "2026-10-01", "to": "2026-11-01",
            "title": f"kill-{i}", "participants": ["ac-nancy-metz", "dep-57"]}


def action(i):
    return {"title": f"kill-{i}", "owner": "dep-57", "due_on": "2027-01-15"}


def breach(i):
    return {"territory": "GE", "aware_at": "2026-11-30T08:00:00Z", "nature": f"kill-{i}",
            "people_categories": ["pupils"], "people_count": 10 + i,
            "record_categories": ["identity"], "record_count": 10 + i,
            "scope": "departement", "departement": "57"}


def rights_request(i):
    return {"territory": "GE", "right": "access", "received_at": "2026-11-30T08:00:00Z",
            "summary": f"kill-{i}", "scope": "establishments", "establishments": ["0519001G"]}


def decider(base, token, breaches, decided, stop, lock):
    """Records a decision on each acknowledged breach until the service dies; a 409 means it
    was recorded before a kill took its answer."""
    while not stop.is_set():
        with lock:
            waiting = sorted(breaches - decided)
        if not waiting:
            time.sleep(0.05)
            continue
        try:
            status, _, body = request(base, "POST", f"/api/v1/breaches/{waiting[0]}/decision",
                                      token=token, timeout=10,
                                      body={"outcome": "not_notified", "reason": "kill"})
        except OSError:
            return
        if status not in (200, 409):
            raise RuntimeError(f"decision: {status} {body}")
        with lock:
            decided.add(waiting[0])


def acknowledging_writer(base, token, path, body_of, key, acknowledged, stop, lock):
    """Creates at `path` until the service dies; records the key of each acknowledged one."""
    i = 0
    while not stop.is_set():
        try:
            status, _, body = request(base, "POST", path, token=token, body=body_of(i),
                                      timeout=10)
        except OSError:
            return
        if status != 201:
            raise RuntimeError(f"{path}: {status} {body}")
        with lock:
            acknowledged.add(body[key])
        i += 1


def reader(base, token, acknowledged, reads, stop, lock):
    """Reads the journals of acknowledged tickets until the service dies; counts the reads
    answered (each must be in the access log: a read is answered once it is recorded)."""
    dice = random.Random(7)
    while not stop.is_set():
        with lock:
            references = list(acknowledged.values())
        if not references:
            time.sleep(0.05)
            continue
        try:
            status, _, body = request(base, "GET",
                                      f"/api/v1/tickets/{dice.choice(references)}/events",
                                      token=token, timeout=10)
        except OSError:
            return
        if status != 200:
            raise RuntimeError(f"journal read: {status} {body}")
        with lock:
            reads[0] += 1


def eraser(base, token, round_, erased, exported, stop, lock):
    """Creates users, exports their data and erases them until the service dies; counts the
    exports answered and records each erasure answered."""
    i = 0
    while not stop.is_set():
        try:
            status, _, body = request(base, "POST", "/api/v1/admin/users", token=token, body={
                "email": f"kill-erase-{round_}-{i}@college.example",
                "display_name": f"Effacement Numero{round_}x{i}"}, timeout=10)
            if status != 201:
                raise RuntimeError(f"user for erasure: {status} {body}")
            status, _, export = request(base, "GET",
                                        f"/api/v1/admin/users/{body['id']}/personal-data",
                                        token=token, timeout=10)
            if status != 200:
                raise RuntimeError(f"export: {status} {export}")
            with lock:
                exported[0] += 1
            status, _, answer = request(base, "POST", f"/api/v1/admin/users/{body['id']}/erase",
                                        token=token, body={}, timeout=10)
        except OSError:
            return
        if status != 200:
            raise RuntimeError(f"erasure: {status} {answer}")
        with lock:
            erased[body["id"]] = body["email"]
        i += 1


def resolver(base, tokens, acknowledged, resolved, stop, lock):
    """Takes acknowledged tickets to their resolution, step by step, as the first agent who
    may (the guichet's, or the authority's where a rule routed the ticket); a step the crash
    cut is taken again on the next pass."""
    steps = [{"action": "assign"}, {"action": "start"},
             {"action": "resolve", "resolution": "Réglé après redémarrage"}]
    while not stop.is_set():
        with lock:
            todo = [r for r in acknowledged.values() if r not in resolved][:5]
        if not todo:
            time.sleep(0.05)
            continue
        for reference in todo:
            try:
                for token in tokens:
                    status, headers, body = request(base, "GET", f"/api/v1/tickets/{reference}",
                                                    token=token, timeout=5)
                    if status != 200:
                        continue
                    if body["status"] == "resolved":
                        resolved.add(reference)
                        break
                    allowed = body.get("allowed_actions", [])
                    # The furthest step allowed (assigning stays allowed once assigned).
                    step = next((s for s in reversed(steps) if s["action"] in allowed), None)
                    if step is not None:
                        request(base, "POST", f"/api/v1/tickets/{reference}/actions",
                                token=token, body=step,
                                headers={"If-Match": headers.get("ETag", "")}, timeout=5)
                        break
                else:
                    resolved.add(reference)  # nobody here may resolve it: leave it
            except OSError:
                return


def browse(base, method, path, cookies="", form=None):
    """One request of a browser to the web desk, redirects not followed: (status, headers,
    text)."""
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    headers = {"Cookie": cookies} if cookies else {}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def upload(base, path, cookies, csrf, filename, content):
    """A file sent from the ticket's page (`multipart/form-data`): (status, text)."""
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    boundary = "----guichet-kill-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; "
            f"filename=\"{filename}\"\r\nContent-Type: text/plain\r\n\r\n{content}\r\n"
            f"--{boundary}--\r\n").encode()
    headers = {"Cookie": cookies,
               "Content-Type": f"multipart/form-data; boundary={boundary}"}
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def cookie_of(headers, name):
    for value in headers.get_all("Set-Cookie") or []:
        pair = value.split(";")[0]
        if pair.startswith(name + "="):
            return pair
    return None


def web_user(base, round_, acknowledged, sessions, comments, files, stop, lock):
    """Signs in to the web desk and comments a ticket from its page and attaches a file to
    it, again and again, until the service dies; records each acknowledged session cookie (a
    303 that set it), comment and file (a 303 to the ticket)."""
    email = "correspondent.ge@demo.guichet.example"
    n = 0
    while not stop.is_set():
        try:
            status, headers, page = browse(base, "GET", "/connexion")
            login_cookie = cookie_of(headers, "guichet_login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            status, headers, page = browse(base, "POST", "/connexion", login_cookie, {
                "email": email, "password": DEMO_PASSWORD, "csrf": csrf})
            if status == 429:  # the account's sign-ins of the minute are spent
                time.sleep(0.2)
                continue
            if status != 303:
                raise RuntimeError(f"web sign-in: {status} {page[:500]}")
            session = cookie_of(headers, "guichet_session")
            with lock:
                sessions.add(session)
                references = list(acknowledged.values())[-20:]
            for reference in references:
                status, _, page = browse(base, "GET", f"/tickets/{reference}", session)
                form = page.split(f'action="/tickets/{reference}/commentaire"')[1]
                fields = dict(re.findall(r'name="(csrf|key)" value="([^"]+)"', form))
                body = f"web-kill-{round_}-{n}"
                n += 1
                status, _, page = browse(base, "POST", f"/tickets/{reference}/commentaire",
                                         session, {**fields, "body": body})
                if status != 303:
                    raise RuntimeError(f"web comment: {status} {page[:500]}")
                with lock:
                    comments.add(body)
                name = f"{body}.txt"
                status, page = upload(base, f"/tickets/{reference}/pieces-jointes", session,
                                      fields["csrf"], name, body)
                if status != 303:
                    raise RuntimeError(f"web file: {status} {page[:500]}")
                with lock:
                    files.add(name)
        except OSError:
            return


def retry(base, token, acknowledged, unanswered):
    for key in sorted(unanswered):
        reference = send(base, token, key)
        if reference is None:
            raise RuntimeError(f"{key}: no answer from a running service")
        acknowledged[key] = reference
    unanswered.clear()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/debug/guichet")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    database_url = fresh_database(args.database)
    # The monthly job runs every second (its lease lets one run an hour): a kill may cut it.
    service = Service(args.binary, database_url, extra_env={"GUICHET_REVIEW_CRON": "* * * * * *"})
    acknowledged, unanswered, lock = {}, set(), threading.Lock()
    versions, outage_ids, review_ids, action_ids = set(), set(), set(), set()
    resolved, web_sessions, web_comments, web_files = set(), set(), set(), set()
    breach_ids, decided, request_ids = set(), set(), set()
    journal_reads, erased, exported = [0], {}, [0]
    dice = random.Random(20261129)
    retried = 0
    for round_ in range(args.kills):
        service.start()
        token = login(service.base, "correspondent")
        retried += len(unanswered)
        retry(service.base, token, acknowledged, unanswered)
        stop = threading.Event()
        threads = [threading.Thread(target=writer, args=(service.base, token, round_, n,
                                                         acknowledged, unanswered, stop, lock))
                   for n in range(args.clients)]
        admin = login(service.base, "admin")
        agent = login(service.base, "authority-agent")
        guichet = login(service.base, "guichet-agent")
        threads.append(threading.Thread(target=web_user, args=(
            service.base, round_, acknowledged, web_sessions, web_comments, web_files, stop,
            lock)))
        threads.append(threading.Thread(target=resolver, args=(
            service.base, [guichet, agent], acknowledged, resolved, stop, lock)))
        threads.append(threading.Thread(target=acknowledging_writer, args=(
            service.base, admin, "/api/v1/service-levels/policies", lambda i: policy(10 + i % 50),
            "version", versions, stop, lock)))
        threads.append(threading.Thread(target=acknowledging_writer, args=(
            service.base, agent, "/api/v1/outages", outage, "id", outage_ids, stop, lock)))
        threads.append(threading.Thread(target=acknowledging_writer, args=(
            service.base, admin, "/api/v1/reviews", review, "id", review_ids, stop, lock)))
        status, _, target = request(service.base, "POST", "/api/v1/reviews", token=admin,
                                    body=review(-1 - round_))
        if status != 201:
            raise RuntimeError(f"review for the actions: {status} {target}")
        review_ids.add(target["id"])
        threads.append(threading.Thread(target=acknowledging_writer, args=(
            service.base, admin, f"/api/v1/reviews/{target['id']}/actions", action, "id",
            action_ids, stop, lock)))
        threads.append(threading.Thread(target=acknowledging_writer, args=(
            service.base, guichet, "/api/v1/breaches", breach, "id", breach_ids, stop, lock)))
        threads.append(threading.Thread(target=acknowledging_writer, args=(
            service.base, agent, "/api/v1/rights-requests", rights_request, "id", request_ids,
            stop, lock)))
        threads.append(threading.Thread(target=eraser, args=(
            service.base, admin, round_, erased, exported, stop, lock)))
        threads.append(threading.Thread(target=reader, args=(
            service.base, token, acknowledged, journal_reads, stop, lock)))
        threads.append(threading.Thread(target=decider, args=(
            service.base, admin, breach_ids, decided, stop, lock)))
        for t in threads:
            t.start()
        time.sleep(dice.uniform(0.3, 1.5))
        service.kill()
        stop.set()
        for t in threads:
            t.join()
    service.start()
    token = login(service.base, "correspondent")
    retried += len(unanswered)
    retry(service.base, token, acknowledged, unanswered)

    missing = 0
    for key, reference in acknowledged.items():
        status, _, body = request(service.base, "GET", f"/api/v1/tickets/{reference}", token=token)
        if status != 200 or body["title"] != key:
            missing += 1
            print(f"  missing: {key} → {reference} ({status})")
    lost_sessions = sum(1 for cookie in web_sessions
                        if browse(service.base, "GET", "/tickets", cookie)[0] != 200)
    service.stop()
    # The figures' tallies commit with their tickets and clocks: read from them, every
    # territory's figures are those recounted from the tickets.
    try:
        service.run("figures", "check", "--months", "2")
        tallies_agree = True
    except RuntimeError as e:
        print(f"  {e}")
        tallies_agree = False
    duplicates = sql_count(database_url, "SELECT count(*) FROM (SELECT title FROM tickets "
                                         "GROUP BY title HAVING count(*) > 1) AS twice")
    stored = sql_count(database_url, "SELECT count(*) FROM tickets WHERE title LIKE 'kill-%'")
    stuck = sql_count(database_url,
                      "SELECT count(*) FROM idempotency_keys WHERE response_status IS NULL")
    # The acknowledgement commits with its ticket: one per ticket, never none, never two.
    unacknowledged = sql_count(database_url, (
        "SELECT count(*) FROM tickets t WHERE t.title LIKE 'kill-%' AND (SELECT count(*) "
        "FROM outbox o WHERE o.ticket_id = t.id AND o.notice = 'ticket_acknowledged') <> 1"))
    # The clocks commit with their ticket: the ticket's two and its first stay's two.
    without_clocks = sql_count(database_url, (
        "SELECT count(*) FROM tickets t WHERE t.title LIKE 'kill-%' AND (SELECT count(*) "
        "FROM service_level_clocks c WHERE c.ticket_id = t.id) <> 4"))
    stored_versions = sql_count(database_url, "SELECT count(*) FROM service_level_policies "
                                              "WHERE territory_code = 'GE'")
    last_version = sql_count(database_url, "SELECT max(version) FROM service_level_policies "
                                           "WHERE territory_code = 'GE'")
    lost_versions = len([v for v in versions if v > last_version])
    stored_outages = sql_count(database_url, "SELECT count(*) FROM outages WHERE id IN (%s)"
                               % ",".join(str(i) for i in outage_ids)) if outage_ids else 0
    # A review commits with its participants: none stored without its two.
    stored_reviews = sql_count(database_url, "SELECT count(*) FROM reviews WHERE id IN (%s)"
                               % ",".join(str(i) for i in review_ids)) if review_ids else 0
    partial_reviews = sql_count(database_url, (
        "SELECT count(*) FROM reviews r WHERE r.title LIKE 'kill-%' AND (SELECT count(*) "
        "FROM review_participants p WHERE p.review_id = r.id) <> 2"))
    stored_actions = sql_count(database_url, "SELECT count(*) FROM improvement_actions "
                               "WHERE id IN (%s)" % ",".join(str(i) for i in action_ids)
                               ) if action_ids else 0
    # The monthly job commits a review with its notices: never one without the other, never
    # a territory's month twice (one steering member per territory in the demo).
    drafted = sql_count(database_url, "SELECT count(*) FROM reviews "
                                      "WHERE created_by = 'guichet (revue mensuelle)'")
    drafted_months = sql_count(database_url, "SELECT count(*) FROM (SELECT DISTINCT "
                                             "territory_code, period_from FROM reviews WHERE "
                                             "created_by = 'guichet (revue mensuelle)') AS m")
    announced = sql_count(database_url, "SELECT count(*) FROM outbox "
                                        "WHERE notice = 'review_drafted'")
    # A breach commits with its journal's first entry and its DPD messages (16 in Grand
    # Est); a decision with its journal entry.
    stored_breaches = sql_count(database_url, "SELECT count(*) FROM personal_data_breaches "
                                "WHERE id IN (%s)" % ",".join(str(i) for i in breach_ids)
                                ) if breach_ids else 0
    partial_breaches = sql_count(database_url, (
        "SELECT count(*) FROM personal_data_breaches b WHERE (SELECT count(*) FROM "
        "personal_data_breach_events e WHERE e.breach_id = b.id AND e.kind = 'declared') <> 1 "
        "OR (SELECT count(*) FROM outbox o WHERE o.notice = 'breach_dpo_information' AND "
        "o.payload LIKE '%\"/api/v1/breaches/' || b.id || '\"%') NOT IN (16, 32)"))
    decisions = sql_count(database_url, "SELECT count(*) FROM personal_data_breaches "
                          "WHERE outcome IS NOT NULL")
    decided_stored = sql_count(database_url, "SELECT count(*) FROM personal_data_breaches "
                               "WHERE outcome IS NOT NULL AND id IN (%s)"
                               % ",".join(str(i) for i in decided)) if decided else 0
    partial_decisions = sql_count(database_url, (
        "SELECT count(*) FROM personal_data_breaches b WHERE (b.outcome IS NOT NULL) <> "
        "((SELECT count(*) FROM personal_data_breach_events e WHERE e.breach_id = b.id "
        "AND e.kind = 'not_notified') = 1)"))
    # A forwarded request commits with its journal entry and its message to the lycée's
    # correspondent.
    stored_requests = sql_count(database_url, "SELECT count(*) FROM rights_requests WHERE id IN "
                                "(%s)" % ",".join(str(i) for i in request_ids)) if request_ids else 0
    partial_requests = sql_count(database_url, (
        "SELECT count(*) FROM rights_requests r WHERE (SELECT count(*) FROM rights_request_events e "
        "WHERE e.request_id = r.id AND e.kind = 'forwarded') <> 1 OR (SELECT count(*) FROM outbox o "
        "WHERE o.notice = 'rights_request_forwarded' AND o.recipient_email = "
        "'correspondent.ge@demo.guichet.example' AND o.payload LIKE "
        "'%\"/api/v1/rights-requests/' || r.id || '\"%') <> 1"))
    print(f"{args.database}: {args.kills} kill -9 during {args.clients} concurrent writers")
    print(f"  acknowledged tickets: {len(acknowledged)} (of which {retried} retried after a crash)")
    print(f"  tickets stored: {stored}")
    print(f"  acknowledged missing: {missing}")
    print(f"  duplicates: {duplicates}")
    print(f"  keys stuck in flight: {stuck}")
    print(f"  tickets without exactly one acknowledgement in the outbox: {unacknowledged}")
    print(f"  tickets without their four clocks: {without_clocks}")
    print(f"  policy versions acknowledged: {len(versions)}, stored: {stored_versions} "
          f"(1 to {last_version}), acknowledged missing: {lost_versions}")
    print(f"  outages acknowledged: {len(outage_ids)}, of which stored: {stored_outages}")
    print(f"  reviews acknowledged: {len(review_ids)}, of which stored: {stored_reviews}; "
          f"without their participants: {partial_reviews}")
    print(f"  improvement actions acknowledged: {len(action_ids)}, of which stored: "
          f"{stored_actions}")
    print(f"  monthly reviews drafted by the job: {drafted} ({drafted_months} territory-months), "
          f"announced: {announced}")
    stored_comments = sum(
        1 for body in web_comments
        if sql_count(database_url, f"SELECT count(*) FROM ticket_events WHERE body = '{body}'") == 1)
    twice_comments = sql_count(database_url, "SELECT count(*) FROM (SELECT body FROM ticket_events "
                                             "WHERE body LIKE 'web-kill-%' GROUP BY body "
                                             "HAVING count(*) > 1) AS twice")
    # A file acknowledged is stored once, and its bytes are where its row says.
    stored_files = 0
    for name in web_files:
        if sql_count(database_url, f"SELECT count(*) FROM attachments WHERE filename = '{name}'") != 1:
            continue
        path = sql_value(database_url,
                         f"SELECT storage_path FROM attachments WHERE filename = '{name}'")
        try:
            with open(os.path.join(service.data_dir, path), encoding="utf-8") as stored_file:
                stored_files += stored_file.read() == name[:-len(".txt")]
        except OSError:
            pass
    stored_resolved = sql_count(database_url, "SELECT count(*) FROM tickets WHERE title LIKE "
                                              "'kill-%' AND status = 'resolved'")
    # Only the reader reads journals through the API as the correspondent.
    logged_reads = sql_count(database_url, (
        "SELECT count(*) FROM ticket_reads r JOIN users u ON u.id = r.user_id WHERE "
        "r.part = 'journal' AND r.channel = 'api' AND u.email = "
        "'correspondent.ge@demo.guichet.example'"))
    # An erasure is one transaction: every one answered is whole, none is half done.
    erased_stored = sql_count(database_url, "SELECT count(*) FROM users WHERE id IN (%s) AND "
                              "email LIKE 'personne-effacee-%%' AND NOT active" % ",".join(
                                  str(i) for i in erased)) if erased else 0
    named_left = sum(sql_count(database_url, (
        f"SELECT count(*) FROM audit_events WHERE target LIKE '%{email}%' OR detail LIKE "
        f"'%{email}%' OR actor_label LIKE '%{email}%'")) for email in erased.values())
    print(f"  tickets resolved by the guichet agent: {stored_resolved}")
    # An export answered was audited in its transaction.
    exports_audited = sql_count(database_url, "SELECT count(*) FROM audit_events "
                                "WHERE action = 'privacy_export'")
    print(f"  exports answered: {exported[0]}, audited: {exports_audited}")
    print(f"  erasures answered: {len(erased)}, stored: {erased_stored}; half done: {named_left}")
    print(f"  journal reads answered: {journal_reads[0]}, in the access log: {logged_reads}")
    print(f"  figures read from the tallies agree with the tickets: {tallies_agree}")
    print(f"  web sessions acknowledged: {len(web_sessions)}, lost: {lost_sessions}")
    print(f"  web comments acknowledged: {len(web_comments)}, stored: {stored_comments}, "
          f"twice: {twice_comments}")
    print(f"  web files acknowledged: {len(web_files)}, stored once with their bytes: "
          f"{stored_files}")
    print(f"  breaches acknowledged: {len(breach_ids)}, stored: {stored_breaches}; without "
          f"their journal or DPD messages: {partial_breaches}")
    print(f"  breach decisions acknowledged: {len(decided)}, stored: {decided_stored} "
          f"(of {decisions}); without their journal entry: {partial_decisions}")
    print(f"  rights requests acknowledged: {len(request_ids)}, stored: {stored_requests}; "
          f"without their journal entry or message: {partial_requests}")
    drop_database(database_url)
    ok = (exported[0] > 0 and exports_audited >= exported[0]
          and len(erased) > 0 and erased_stored == len(erased) and named_left == 0
          and journal_reads[0] > 0 and logged_reads >= journal_reads[0]
          and len(request_ids) > 0 and stored_requests == len(request_ids) and partial_requests == 0
          and len(breach_ids) > 0 and stored_breaches == len(breach_ids) and partial_breaches == 0
          and len(decided) > 0 and decided_stored == len(decided) and partial_decisions == 0
          and missing == 0 and duplicates == 0 and stuck == 0 and stored == len(acknowledged)
          and unacknowledged == 0 and without_clocks == 0 and lost_versions == 0
          and stored_versions == last_version and len(versions) > 0
          and stored_outages == len(outage_ids) and len(outage_ids) > 0
          and stored_reviews == len(review_ids) and len(review_ids) > 0 and partial_reviews == 0
          and stored_actions == len(action_ids) and len(action_ids) > 0
          and drafted == drafted_months == announced and tallies_agree
          and stored_resolved > 0 and len(web_sessions) > 0 and lost_sessions == 0
          and len(web_comments) > 0 and stored_comments == len(web_comments)
          and twice_comments == 0 and len(web_files) > 0 and stored_files == len(web_files))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
