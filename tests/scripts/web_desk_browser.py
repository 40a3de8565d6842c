#!/usr/bin/env python3
"""Drives the web desk in a real headless Chromium (Debian's chromium and chromium-driver,
through selenium) on the demo data, as its people would, with the keyboard and the mouse:

1. the correspondent of the Moselle collège signs in and opens a network ticket in two steps,
   first forgetting the technical file (the browser asks for the required fields), then
   completing it, and attaches a diagnostic file;
2. the Nancy-Metz guichet agent finds it in the list, qualifies it (P1) and orients it by
   the authority's rules: it lands with the Département de la Moselle, whose agent refuses
   the hand-off with a reason; back at the guichet, the agent reads the refusal, qualifies it
   again (the ENT's sign-in: a category asking for more), orients it by hand to the DSI,
   writes an internal note and a public comment; the escalation form shows the elements the
   technical file lacks next to their fields; completed, it passes to the vendor;
3. the vendor's agent finds it and answers with the solution;
4. the correspondent sees the public comment and the vendor's answer, not the internal note,
   and confirms the resolution; then signs out, and the desk asks to sign in again;
5. an admin prepares a review (API); a steering member signs in, lands on the incident
   reviews, opens one, then reads the service figures;
6. the admin creates a user and grants them a school, simulates the routing of a network
   ticket beside the rules, and opens the service accounts.

axe-core (npm) is injected into every page visited: no serious or critical violation may be
reported. A screenshot of each step is saved under target/screenshots/web-desk/.

    python tests/scripts/web_desk_browser.py --binary target/debug/guichet \
        --axe target/ci-node/node_modules/axe-core/axe.min.js
"""

import argparse
import os
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from service import DEMO_PASSWORD, Service, drop_database, fresh_database, login, request

SHOTS = "target/screenshots/web-desk"


class Desk:
    """The browser, and what it found on the way."""

    def __init__(self, driver, base, axe):
        self.driver, self.base, self.axe = driver, base, axe
        self.step = 0
        self.violations = []
        self.pages = 0

    def check_page(self, name):
        """Screenshot, then axe-core on the page as it is."""
        self.step += 1
        self.driver.save_screenshot(os.path.join(SHOTS, f"{self.step:02d}-{name}.png"))
        self.driver.execute_script(self.axe)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length,"
            " v.help])), e => done([['axe-error', 'critical', 0, String(e)]]));")
        self.pages += 1
        for rule, impact, nodes, help_text in result:
            print(f"  axe {name}: {impact} {rule} ({nodes}) — {help_text}")
            if impact in ("serious", "critical"):
                self.violations.append((name, rule))

    def go(self, path, name):
        self.driver.get(self.base + path)
        self.check_page(name)

    def field(self, element_id):
        return self.driver.find_element(By.ID, element_id)

    def type(self, element_id, text):
        element = self.field(element_id)
        element.clear()
        element.send_keys(text)

    def submit(self, button_text, name):
        buttons = [b for b in self.driver.find_elements(By.CSS_SELECTOR, "button[type=submit]")
                   if b.text.strip() == button_text]
        if not buttons:
            raise AssertionError(f"no button « {button_text} » on {self.driver.current_url}")
        buttons[0].click()
        self.check_page(name)

    def status(self):
        """The ticket's status badge, as written (DSFR shows badges in capitals)."""
        return self.driver.find_element(By.CSS_SELECTOR, "main .fr-badge").get_attribute(
            "textContent").strip()

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def sign_in(self, email, name):
        self.go("/connexion", f"{name}-connexion")
        self.type("email", email)
        self.type("password", DEMO_PASSWORD)
        self.submit("Se connecter", f"{name}-tickets")

    def sign_out(self, name):
        self.submit("Se déconnecter", f"{name}-deconnexion")


def expect(condition, what):
    print(f"  {'ok' if condition else 'FAILED'} — {what}")
    if not condition:
        raise AssertionError(what)


def chain(desk):
    title = "Plus de réseau au CDI"
    desk.sign_in("correspondent.ge@demo.guichet.example", "ecole")
    expect("Tickets" in desk.text(), "the correspondent sees their tickets")
    desk.driver.find_element(By.LINK_TEXT, "Ouvrir un ticket").click()
    desk.check_page("ecole-etape-1")
    Select(desk.field("etablissement")).select_by_value("0579001Z")
    Select(desk.field("categorie")).select_by_value("reseau-internet")
    desk.submit("Continuer", "ecole-etape-2")
    desk.type("title", title)
    desk.type("description", "Aucun poste du CDI n'accède à Internet depuis ce matin.")
    form_url = desk.driver.current_url
    desk.submit("Ouvrir le ticket", "ecole-dossier-incomplet")
    invalid = desk.driver.execute_script(
        "return Array.from(document.querySelectorAll(':invalid')).map(e => e.id)")
    expect(desk.driver.current_url == form_url and "steps_to_reproduce" in invalid,
           f"the browser asks for the missing elements first ({', '.join(invalid)})")
    desk.type("users_affected", "30")
    desk.driver.execute_script(
        "document.getElementById('occurred_at').value = '2026-12-01T08:15'")
    desk.type("steps_to_reproduce", "Allumer un poste du CDI, ouvrir le navigateur.")
    desk.submit("Ouvrir le ticket", "ecole-ticket-ouvert")
    reference = desk.driver.current_url.rsplit("/", 1)[-1]
    expect(reference.startswith("GE-"), f"the ticket {reference} is shown after opening it")
    with tempfile.NamedTemporaryFile("w", prefix="diagnostic-cdi-", suffix=".txt",
                                     delete=False, encoding="utf-8") as log:
        log.write("ping 8.8.8.8 : délai d'attente dépassé\n")
    desk.field("fichier").send_keys(log.name)
    desk.submit("Joindre le fichier", "ecole-piece-jointe")
    os.unlink(log.name)
    expect(os.path.basename(log.name) in desk.text(), "the file is attached to the ticket")
    desk.sign_out("ecole")

    desk.sign_in("guichet-agent.ge@demo.guichet.example", "guichet")
    expect(reference in desk.text(), "the guichet finds the ticket in its list")
    desk.driver.find_element(By.LINK_TEXT, reference).click()
    desk.check_page("guichet-ticket")
    Select(desk.field("q-impact")).select_by_value("high")
    Select(desk.field("q-urgency")).select_by_value("high")
    desk.submit("Qualifier", "guichet-qualifie")
    expect("P1" in desk.text(), "qualified: priority P1")
    desk.submit("Orienter selon les règles de l'autorité", "guichet-oriente")
    expect("Département de la Moselle" in desk.text() or "Moselle" in desk.text(),
           "the rules hand a school network to the Moselle")
    desk.sign_out("guichet")

    desk.sign_in("collectivite-agent.ge@demo.guichet.example", "moselle")
    desk.go(f"/tickets/{reference}", "moselle-ticket")
    desk.type("f-reason", "Le réseau pédagogique du CDI relève de l'académie.")
    desk.submit("Refuser le transfert", "moselle-refus")
    desk.sign_out("moselle")

    desk.sign_in("guichet-agent.ge@demo.guichet.example", "guichet-retour")
    desk.go(f"/tickets/{reference}", "guichet-ticket-refuse")
    expect("Transfert refusé" in desk.text(), "the guichet reads the refusal")
    # Read again, it is the ENT's sign-in that fails: the category asks for more elements.
    Select(desk.field("q-category")).select_by_value("connexion-educonnect")
    desk.submit("Qualifier", "guichet-requalifie")
    Select(desk.field("r-queue")).select_by_value("ac-nancy-metz/dsi")
    desk.type("r-reason", "Connexion à l'ENT impossible : à la DSI.")
    desk.submit("Orienter à la main", "guichet-oriente-dsi")
    expect("ac-nancy-metz/dsi" in desk.text(), "the guichet oriented it elsewhere: the DSI")
    desk.type("body", "Note interne : le titulaire connaît ce défaut d'EduConnect.")
    # DSFR draws the box on the label: a person clicks the label.
    desk.driver.find_element(By.CSS_SELECTOR, "label[for=internal]").click()
    desk.submit("Publier le commentaire", "guichet-note-interne")
    desk.type("body", "Nous transmettons au titulaire de l'ENT.")
    desk.submit("Publier le commentaire", "guichet-commentaire-public")
    missing = [e.get_attribute("id") for e in
               desk.driver.find_elements(By.CSS_SELECTOR, "#escalade .fr-error-text")]
    expect("affected_profiles-error" in missing and "error_message-error" in missing,
           f"the escalation shows the elements the file lacks ({', '.join(missing)})")
    Select(desk.field("justification")).select_by_value("proven_malfunction")
    desk.driver.find_element(By.CSS_SELECTOR, "label[for=profile-pupil]").click()
    desk.type("error_message", "EduConnect : « Service indisponible » après l'identifiant.")
    desk.submit("Escalader au titulaire", "guichet-escalade")
    expect("NIVEAU 2" in desk.text().upper(), "complete, the escalation passes: level 2")
    desk.sign_out("guichet")

    desk.sign_in("vendor-agent.ge@demo.guichet.example", "titulaire")
    expect(reference in desk.text(), "the vendor finds what is escalated to it")
    desk.driver.find_element(By.LINK_TEXT, reference).click()
    desk.check_page("titulaire-ticket")
    Select(desk.field("a-kind")).select_by_value("solution")
    desk.type("a-body", "Certificat EduConnect renouvelé : la connexion est rétablie.")
    desk.submit("Répondre", "titulaire-solution")
    expect(desk.status() == "Résolu", "the vendor's solution resolves it")
    desk.sign_out("titulaire")

    desk.sign_in("correspondent.ge@demo.guichet.example", "ecole-retour")
    desk.driver.find_element(By.LINK_TEXT, reference).click()
    desk.check_page("ecole-ticket-resolu")
    page = desk.text()
    expect("Nous transmettons au titulaire de l'ENT." in page,
           "the correspondent reads the public comment")
    expect("Certificat EduConnect renouvelé" in page, "and the vendor's public answer")
    expect("défaut d'EduConnect" not in page, "not the internal note")
    desk.submit("Confirmer la résolution", "ecole-confirme")
    expect(desk.status() == "Clos", "the correspondent confirmed: the ticket is closed")
    desk.sign_out("ecole")
    desk.go("/tickets", "apres-deconnexion")
    expect("/connexion" in desk.driver.current_url, "signed out: the desk asks to sign in")

    # The admin prepares the month's review (through the API, as the admins do today).
    status, _, review = request(desk.base, "POST", "/api/v1/reviews",
                                token=login(desk.base, "admin"),
                                body={"territory": "ge", "audience": "cotec",
                                      "title": "Revue du mois (navigateur)",
                                      "from": "2026-11-01", "to": "2026-12-01"})
    expect(status == 201, f"a review is prepared ({status})")
    desk.sign_in("steering.ge@demo.guichet.example", "pilotage")
    expect("/revues" in desk.driver.current_url, "steering starts at the incident reviews")
    desk.driver.find_element(By.LINK_TEXT, review["title"]).click()
    desk.check_page("pilotage-revue")
    expect("Revue du mois (navigateur)" in desk.text(), "the review's printable page opens")
    desk.go("/", "pilotage-accueil")
    desk.driver.find_element(By.LINK_TEXT, "Chiffres").click()
    desk.check_page("pilotage-chiffres")
    expect("Télécharger en CSV" in desk.text(), "steering reads the service figures")
    desk.sign_out("pilotage")

    desk.sign_in("admin.ge@demo.guichet.example", "admin")
    desk.driver.find_element(By.LINK_TEXT, "Administration").click()
    desk.check_page("admin-utilisateurs")
    desk.type("u-name", "Claire Martin")
    desk.type("u-email", "claire.martin@college-metz.example")
    desk.submit("Créer l'utilisateur", "admin-utilisateur-cree")
    Select(desk.field("g-role")).select_by_value("correspondent")
    desk.type("g-scope", "0579001Z")
    desk.submit("Attribuer", "admin-role-attribue")
    expect("0579001Z" in desk.text(), "the admin granted a school to the new user")
    desk.driver.find_element(By.LINK_TEXT, "Règles d'orientation").click()
    desk.check_page("admin-regles")
    desk.type("sim-uai", "0579001Z")
    Select(desk.field("sim-category")).select_by_value("reseau-internet")
    desk.submit("Simuler", "admin-simulation")
    expect("dep-57" in desk.field("simulation").text,
           "the simulation beside the rules: a school network goes to the Moselle")
    desk.driver.find_element(By.LINK_TEXT, "Comptes de service").click()
    desk.check_page("admin-comptes-de-service")
    desk.sign_out("admin")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/debug/guichet")
    parser.add_argument("--axe", default="target/ci-node/node_modules/axe-core/axe.min.js")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()

    os.makedirs(SHOTS, exist_ok=True)
    with open(args.axe, encoding="utf-8") as f:
        axe = f.read()
    database_url = fresh_database(args.database)
    service = Service(args.binary, database_url)
    service.start()
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,1600", "--lang=fr-FR"):
        options.add_argument(flag)
    profile = tempfile.TemporaryDirectory(prefix="guichet-chromium-")
    options.add_argument(f"--user-data-dir={profile.name}")
    driver = webdriver.Chrome(service=DriverService(args.chromedriver), options=options)
    driver.set_script_timeout(60)
    desk = Desk(driver, service.base, axe)
    try:
        chain(desk)
    except Exception as error:  # the screenshot of where it stopped helps the reader
        driver.save_screenshot(os.path.join(SHOTS, "echec.png"))
        print(f"web desk: FAILED at {driver.current_url}: {error}", file=sys.stderr)
        print(desk.text()[:3000], file=sys.stderr)
        return 1
    finally:
        driver.quit()
        service.stop()
        drop_database(database_url)
        profile.cleanup()
    print(f"web desk: {desk.pages} pages checked by axe-core, "
          f"{len(desk.violations)} serious or critical violations; "
          f"{desk.step} screenshots in {SHOTS}/")
    for name, rule in desk.violations:
        print(f"  serious: {rule} on {name}")
    return 1 if desk.violations else 0


if __name__ == "__main__":
    sys.exit(main())
