"""The journeys of the issue, as a user clicks them."""

import contextlib
import io
import os
import re
import signal
from email.header import decode_header, make_header
from io import BytesIO

from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from actions.models import Action, BudgetLine, Event, ProgressUpdate
from essplan import roles
from tests.conftest import COTENTIN, PASSWORD, make_user
from tests.e2e.conftest import e2e, log_in, submit_and_wait
from tests.jobs.test_import_jobs import THREE
from tests.jobs.test_worker import WAIT, finish, worker

PLAN = f"/plans/{COTENTIN}/"
WORKER_WAIT = WAIT * 1000  # Playwright's milliseconds: a worker may be slow on a busy machine


@e2e
def test_editor_records_the_2025_follow_up_of_action_1_4_7(page, action):
    make_user("emile", roles.EDITOR)
    log_in(page, "emile")

    page.get_by_role("link", name="Plans d'actions").click()
    page.get_by_role("link", name="Plan d'actions ESS 2023-2025").click()
    page.get_by_role("link", name="Rechercher et filtrer les actions").click()
    page.get_by_label("Recherche", exact=True).fill("interconnaissance")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("status")).to_have_text("1 action")
    page.get_by_role("link", name=re.compile("Organiser et soutenir des événements")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1.4.7")

    page.get_by_role("link", name="Saisir le point 2025").click()
    page.get_by_label("Statut").select_option(label="En cours")
    page.get_by_label("Avancement (%)").fill("40")
    page.get_by_label("Réalisations").fill("Deux Cafés des ASSOS à Valognes et Cherbourg.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("Le point d'avancement 2025 de l'action 1.4.7 est enregistré.")
    ).to_be_visible()

    page.get_by_role("link", name="Ajouter une ligne budgétaire").click()
    page.get_by_label("Année").select_option("2025")
    page.get_by_label("Chapitre").fill("011")
    page.get_by_label("Libellé").fill("Location de salle")
    page.get_by_label("Prévu (€)").fill("1 234,50")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("cell", name="1 234,50 €").first).to_be_visible()

    page.get_by_role("link", name="Ajouter un événement").click()
    page.get_by_label("Date").fill("2025-03-14")
    page.get_by_label("Type").select_option(label="Café projet")
    page.get_by_label("Intitulé").fill("Café des ASSOS de printemps")
    page.get_by_label("Commune ou lieu").fill("Valognes")
    page.get_by_label("Nombre de participants").fill("27")
    page.get_by_role("button", name="Enregistrer").click()
    # Back on the action page it was added from, the event listed there.
    expect(page.get_by_role("heading", level=1)).to_contain_text("1.4.7")
    events = page.get_by_role("region", name="Événements")
    expect(events.get_by_text("Café des ASSOS de printemps")).to_be_visible()

    page.goto(PLAN)
    row = page.get_by_role("row", name=re.compile("^1.4.7"))
    expect(row).to_contain_text("En cours")
    page.get_by_role("link", name="Tableau de bord").click()
    page.get_by_label("Année", exact=True).select_option("2025")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_test_id("status-en_cours")).to_have_text("1")
    latest = page.get_by_role("region", name="Derniers points d'avancement")
    expect(latest.get_by_role("link", name="1.4.7", exact=True)).to_be_visible()

    assert ProgressUpdate.objects.get(action=action, year=2025).progress == 40
    assert BudgetLine.objects.get(action=action, label="Location de salle").planned == 1234.5
    assert Event.objects.get(title="Café des ASSOS de printemps").participants == 27


@e2e
def test_viewer_reads_without_any_edit_control_and_a_forged_post_is_refused(page):
    make_user("camille", roles.VIEWER)
    log_in(page, "camille")
    expect(page.get_by_role("heading", level=1)).to_have_text("Où en est le plan ?")
    # No action has a validated point: no average yet, not 0 %.
    expect(page.get_by_test_id("overall")).to_have_text("—")
    page.get_by_role("link", name="Plans d'actions").click()
    page.get_by_role("link", name="Plan d'actions ESS 2023-2025").click()
    expect(
        page.get_by_text("3 axes stratégiques, 17 objectifs opérationnels, 45 actions")
    ).to_be_visible()
    page.get_by_role("link", name=re.compile("Se doter d'outils et d'indicateurs")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("3.6.1")
    for label in [
        "Modifier la fiche",
        "Historique",
        "Ajouter une ligne budgétaire",
        "Ajouter un événement",
    ]:
        expect(page.get_by_role("link", name=label)).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Saisir"))).to_have_count(0)
    expect(page.locator("main form")).to_have_count(0)

    status = page.evaluate("""async () => {
        const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
        const response = await fetch('modifier/', {
            method: 'POST', headers: {'X-CSRFToken': token},
            body: new URLSearchParams({version: '1', priority: 'haute', description: 'forgé'}),
        });
        return response.status;
    }""")
    assert status == 403
    assert Action.objects.get(plan__slug=COTENTIN, code="3.6.1").description == ""

    page.get_by_role("link", name="Annuaire", exact=True).click()
    page.get_by_label("Recherche", exact=True).fill("recyclerie")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Recyclerie du Cotentin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recyclerie du Cotentin")
    for label in ["Modifier", "Ajouter une structure", "Importer un fichier"]:
        expect(page.get_by_role("link", name=label, exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Archiver")).to_have_count(0)


@e2e
def test_keyboard_only_login_and_skip_link(page):
    make_user("camille", roles.VIEWER)
    page.goto("/connexion/")
    # The login field has the focus when the page opens.
    expect(page.get_by_label("Identifiant")).to_be_focused()
    page.keyboard.type("camille")
    page.keyboard.press("Tab")
    page.keyboard.type("mot-de-passe-de-test-2025")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Où en est le plan ?")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    # Then the first control of the page's content, not the navigation.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Plan", exact=True)).to_be_focused()
    # A focused field is outlined as clearly as a focused link (RGAA 10.7), not a faint halo.
    expect(page.get_by_label("Plan", exact=True)).to_have_css("outline-width", "3px")
    expect(page.get_by_label("Plan", exact=True)).to_have_css("outline-style", "solid")


IMPORT = (
    "SIRET;Nom;Forme juridique;Code commune;Salariés\n"
    "12000101100010;Garage solidaire de la Hague;9221;50041;6\n"
    "12000101100011;Repair café de Brix;9220;50087;0\n"
)


@e2e
def test_editor_imports_a_spreadsheet_fixes_the_bad_row_and_finds_it_on_the_map(page):
    make_user("emile", roles.EDITOR)
    log_in(page, "emile")
    page.get_by_role("link", name="Annuaire", exact=True).click()
    page.get_by_role("link", name="Importer un fichier").click()

    page.get_by_label("Fichier à importer").set_input_files(
        {"name": "structures.csv", "mimeType": "text/csv", "buffer": IMPORT.encode("cp1252")}
    )
    submit_and_wait(
        page, page.get_by_role("button", name="Vérifier le fichier"), "/structures/importer/"
    )
    expect(page.get_by_role("alert")).to_contain_text("rien n'a été importé")
    expect(page.get_by_role("row", name=re.compile("^3 SIRET : SIRET invalide"))).to_be_visible()
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)

    fixed = IMPORT.replace("12000101100011", "")
    page.get_by_label("Fichier à importer").set_input_files(
        {"name": "structures.csv", "mimeType": "text/csv", "buffer": fixed.encode("cp1252")}
    )
    submit_and_wait(
        page, page.get_by_role("button", name="Vérifier le fichier"), "/structures/importer/"
    )
    expect(page.get_by_role("status").first).to_contain_text("2 structures à créer")
    submit_and_wait(
        page, page.get_by_role("button", name="Confirmer l'import"), "/importer/confirmer/"
    )
    expect(page.get_by_text("Import terminé : 2 structures créées, 0 mise à jour.")).to_be_visible()

    page.get_by_role("link", name="Carte").first.click()
    brix = page.locator('a[aria-label^="Brix :"]')
    label = brix.get_attribute("aria-label")
    # Its name and figures show under the map on hover, and on keyboard focus.
    readout = page.locator(".map-readout")
    brix.hover()
    expect(readout).to_have_text(label)
    page.locator('a[aria-label^="Cherbourg-en-Cotentin :"]').focus()
    expect(readout).to_contain_text("Cherbourg-en-Cotentin : ")
    brix.click()
    expect(page.get_by_role("link", name="Repair café de Brix")).to_be_visible()
    from structures.models import Structure

    count = Structure.objects.filter(commune__name="Brix").count()
    assert label.startswith(f"Brix : {count} structures")


@e2e
def test_admin_generates_and_publishes_the_2024_report_and_the_committee_downloads_it(page):
    make_user("alice", roles.ADMIN, staff=True)
    make_user("camille", roles.VIEWER)
    log_in(page, "alice")
    page.get_by_role("link", name="Rapports").click()
    page.get_by_label("Plan").select_option(label="Plan d'actions ESS 2023-2025")
    page.get_by_label("Année").select_option("2024")
    submit_and_wait(page, page.get_by_role("button", name="Générer le PDF"), "/rapports/generer/")
    expect(
        page.get_by_text("Rapport annuel 2024 du « Plan d'actions ESS 2023-2025 » : généré")
    ).to_be_visible()
    page.get_by_role("link", name="Voir le résultat").click()
    page.get_by_role("button", name="Publier cette version").click()
    expect(
        page.get_by_text("Cette version du document « Rapport annuel 2024 » est publiée")
    ).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, "camille")
    page.get_by_role("link", name="Rapports").click()
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Télécharger")).click()
    download = info.value
    assert download.suggested_filename == "rapport-annuel-cotentin-ess-2023-2025-2024.pdf"
    reader = PdfReader(BytesIO(open(download.path(), "rb").read()))
    assert "Bilan de l'année 2024" in reader.pages[0].extract_text()


def mails_to(smtp_server, address):
    """The (subject, plain text) of every message ADDRESS received, in order."""
    found = []
    for message in smtp_server:
        if message["To"] != address:
            continue
        text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
        found.append(
            (
                str(make_header(decode_header(message["Subject"]))),
                text.get_payload(decode=True).decode(text.get_content_charset()),
            )
        )
    return found


def link_after(body, label):
    """The URL that follows LABEL in an e-mail's text."""
    return re.search(rf"{re.escape(label)} : (\S+)", body).group(1)


@e2e
def test_the_2025_campaign_through_its_e_mails(page, action, smtp_server, settings, live_server):
    """An administrator opens the 2025 campaign and names a pilot of 1.4.7; from then on each
    person acts from the e-mail that tells them it is their turn: the pilot from the
    personal links of its mails (signed in, no password), the ESS team from the submission
    notices and its digest, through the review page; nobody browses to find the point."""
    settings.SITE_URL = live_server.url
    make_user("alice", roles.ADMIN, staff=True)
    make_user("emile", roles.EDITOR)
    paul = make_user("paul", roles.PILOT)
    paul.first_name, paul.last_name = "Paul", "Lemarchand"
    paul.save()

    log_in(page, "alice")
    page.goto(PLAN)
    page.get_by_role("link", name="Campagnes de suivi").click()
    page.get_by_role("link", name="Ouvrir une campagne").click()
    page.get_by_label("Année du point demandé").select_option("2025")
    page.get_by_label("Date limite").fill("2026-12-15")
    page.get_by_label("Message aux pilotes").fill("Merci de faire le point avant le comité.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Campagne de suivi 2025")
    # Opening says whom nobody will remind: every action of the seed is without a pilot.
    expect(page.get_by_text("45 actions sur 45 n'ont pas de pilote")).to_be_visible()
    page.goto(f"{PLAN}actions/1.4.7/")
    page.get_by_role("link", name="gérer les pilotes").click()
    page.get_by_label("Nom, identifiant ou adresse électronique").press_sequentially("lemarch")
    # Search as you type: the result appears without pressing « Chercher ».
    page.get_by_role("button", name="Nommer Paul Lemarchand").click()
    expect(page.get_by_text("Paul Lemarchand est pilote de l'action 1.4.7.")).to_be_visible()
    page.context.clear_cookies()

    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "ouverture · campagne 2025 · paul@lecotentin.test" in out.getvalue()
    # Paul was told once when named pilot, then the campaign's opening reminder came.
    to_paul = mails_to(smtp_server, "paul@lecotentin.test")
    assert [
        subject.startswith("[essplan] Vous êtes pilote de l'action 1.4.7") for subject, _ in to_paul
    ] == [True, False]
    opening = to_paul[1][1]
    assert "Merci de faire le point avant le comité." in opening

    # The pilot: from the reminder to the form, signed in by its personal link.
    page.goto(link_after(opening, "Saisir le point"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Saisir le point d'avancement 2025")
    assert "sesame" not in page.url
    page.get_by_label("Statut").select_option(label="En cours")
    page.get_by_label("Avancement (%)").fill("40")
    page.get_by_label("Réalisations").fill("Deux Cafés des ASSOS.")
    # The document goes with the text, in the same submission.
    page.get_by_label("Joindre des justificatifs").set_input_files(
        files=[
            {
                "name": "feuille-de-presence.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
            }
        ]
    )
    page.get_by_role("button", name="Soumettre à l'équipe ESS").click()
    expect(page.get_by_text("est soumis à l'équipe ESS")).to_be_visible()
    # The link opens this campaign's pages only: the dashboard asks for the password.
    page.goto("/")
    expect(page.get_by_label("Mot de passe")).to_be_visible()
    page.context.clear_cookies()

    # The ESS team: the submission notice leads to the review page (after its password).
    [submitted] = [
        body
        for subject, body in mails_to(smtp_server, "emile@lecotentin.test")
        if subject.startswith("[essplan] Point 2025 soumis")
    ]
    page.goto(link_after(submitted, "Relire et valider le point"))
    page.get_by_label("Identifiant").fill("emile")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name="feuille-de-presence.pdf")).to_be_visible()
    expect(page.get_by_text("Deux Cafés des ASSOS.")).to_be_visible()
    page.get_by_label("Commentaire au pilote").fill("Combien de participants ?")
    page.get_by_role("button", name="Renvoyer au pilote").click()
    expect(
        page.get_by_text("Le point 2025 de l'action 1.4.7 est renvoyé au pilote.")
    ).to_be_visible()
    expect(page.get_by_text("Tous les points soumis sont relus.")).to_be_visible()
    page.context.clear_cookies()

    # The pilot: the return, its comment and a link to correct, signed in again.
    subject, sent_back = mails_to(smtp_server, "paul@lecotentin.test")[2]
    assert subject.startswith("[essplan] Point 2025 à revoir")
    assert "Combien de participants ?" in sent_back
    page.goto(link_after(sent_back, "Corriger le point 2025, puis le soumettre à nouveau"))
    expect(page.get_by_text("Combien de participants ?")).to_be_visible()
    page.get_by_label("Réalisations").fill("Deux Cafés des ASSOS, 35 participants.")
    page.get_by_role("button", name="Soumettre à l'équipe ESS").click()
    expect(page.get_by_text("est soumis à l'équipe ESS")).to_be_visible()
    page.context.clear_cookies()

    # The ESS team: the digest lists the point to validate and leads to the queue.
    call_command("send_reminders", "--date", "2026-12-14", "--send", stdout=io.StringIO())
    digest = [
        body
        for subject, body in mails_to(smtp_server, "emile@lecotentin.test")
        if subject.startswith("[essplan] Campagne 2025")
    ][-1]
    assert "Points soumis, à valider (1)" in digest
    page.goto(link_after(digest, "Les relire l'un après l'autre"))
    page.get_by_label("Identifiant").fill("emile")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Relire le point 2025 de 1.4.7").click()
    expect(page.get_by_text("Deux Cafés des ASSOS, 35 participants.")).to_be_visible()
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Le point 2025 de l'action 1.4.7 est validé.")).to_be_visible()
    page.goto("/?annee=2025")
    expect(page.get_by_role("region", name=re.compile("Campagne de suivi 2025"))).to_contain_text(
        "1 point soumis ou validé sur 45 actions, dont 1 validé"
    )
    page.context.clear_cookies()

    # The pilot: told of the validation, its link opens the action, the point validated.
    subject, validated = mails_to(smtp_server, "paul@lecotentin.test")[-1]
    assert subject.startswith("[essplan] Point 2025 validé")
    page.goto(link_after(validated, "Voir l'action"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("1.4.7")
    point = ProgressUpdate.objects.get(action=action, year=2025)
    assert (point.review, point.achievements) == (
        "valide",
        "Deux Cafés des ASSOS, 35 participants.",
    )
    assert point.attachments.get().name == "feuille-de-presence.pdf"


@e2e
def test_linked_actions_are_found_by_a_filter_and_ticked(page, action):
    make_user("line", roles.EDITOR)
    log_in(page, "line")
    page.goto(f"{action.get_absolute_url()}")
    page.get_by_role("link", name="Ajouter un événement").click()
    picker = page.get_by_role("group", name="Actions liées")
    boxes = picker.get_by_role("checkbox")
    # The action the user came from is ticked, first of the list.
    expect(boxes.first).to_be_checked()
    expect(picker.locator(".form-check").first).to_contain_text("1.4.7 ·")
    picker.get_by_label("Filtrer la liste : Actions liées").fill("structures employeuses")
    visible = picker.locator(".form-check:visible")
    expect(visible).to_have_count(2)
    expect(visible.nth(1)).to_contain_text("1.4.4 · Permettre l'accès aux dispositifs")
    expect(picker.get_by_text("1 cochée · 2 affichées sur 45")).to_be_visible()
    picker.get_by_label(re.compile("^1.4.4 ·")).check()
    page.get_by_label("Date").fill("2025-04-02")
    page.get_by_label("Intitulé").fill("Atelier employeurs")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1.4.7")
    linked = Event.objects.get(title="Atelier employeurs").actions.order_by("code_key")
    assert [a.code for a in linked] == ["1.4.4", "1.4.7"]


@e2e
def test_admin_drafts_2026_2028_renumbers_adopts_and_the_committee_sees_both_plans(page):
    make_user("alice", roles.ADMIN, staff=True)
    make_user("camille", roles.VIEWER)
    log_in(page, "alice")
    page.goto(PLAN)
    page.get_by_role("link", name="Préparer le plan suivant").click()
    expect(page.get_by_label("Intitulé")).to_have_value("Plan d'actions ESS 2026-2028")
    expect(page.get_by_label("Identifiant d'URL")).to_have_value("cotentin-ess-2026-2028")
    submit_and_wait(
        page, page.get_by_role("button", name="Créer le brouillon"), "/preparer-le-suivant/"
    )
    expect(page.get_by_text("45 actions reconduites")).to_be_visible()
    page.get_by_role("link", name="Modifier l'action 1.2.2").click()
    page.get_by_role("link", name="Retirer l'action du brouillon").click()
    page.get_by_role("button", name="Supprimer").click()
    expect(page.get_by_text("1.2.3 → 1.2.2")).to_be_visible()
    page.get_by_role("button", name="Renuméroter le brouillon").click()
    expect(page.get_by_text("Brouillon renuméroté : 1 code changé.")).to_be_visible()
    page.get_by_role("link", name="Adopter le plan…").click()
    page.get_by_label("Référence de la délibération").fill("DEL2026_101")
    page.get_by_label("Date de la délibération").fill("2026-02-12")
    page.get_by_label("Voix pour").fill("150")
    page.get_by_label("Voix contre").fill("0")
    page.get_by_label("Abstentions").fill("3")
    page.get_by_label("Enveloppe budgétaire (€)").fill("90 000")
    page.get_by_role("button", name="Adopter le plan").click()
    expect(page.get_by_text("Le plan « Plan d'actions ESS 2026-2028 » est adopté")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, "camille")
    page.get_by_role("link", name="Plans d'actions").first.click()
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="Plan d'actions ESS 2026-2028")).to_contain_text("Adopté")
    expect(rows.filter(has_text="Plan d'actions ESS 2023-2025")).to_contain_text("Clos")
    page.get_by_role("link", name="Plan d'actions ESS 2026-2028").click()
    expect(page.get_by_test_id("plan-counts")).to_have_text(
        "3 axes stratégiques, 17 objectifs opérationnels, 44 actions"
    )


@e2e
def test_a_large_import_waits_for_the_worker_then_shows_its_result_by_itself(page, settings):
    """Above IMPORT_JOB_ROWS rows (one here), the check and the import are jobs: their page
    says they wait for a worker, then shows « Terminé » without a reload by the user, once
    a real worker (db_worker) has done them."""
    settings.JOBS_BACKEND, settings.IMPORT_JOB_ROWS = "default", 1
    make_user("emile", roles.EDITOR)
    log_in(page, "emile")
    page.goto("/structures/importer/")
    page.get_by_label("Fichier à importer").set_input_files(
        {"name": "annuaire.csv", "mimeType": "text/csv", "buffer": THREE.encode()}
    )
    submit_and_wait(
        page, page.get_by_role("button", name="Vérifier le fichier"), "/structures/importer/"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vérification de « annuaire.csv » (3 lignes)"
    )
    expect(page.get_by_text("Ce travail attend un processus de travail")).to_be_visible()
    with running_worker():
        expect(
            page.get_by_text("Le fichier est valide : 3 à créer, 0 à mettre à jour.")
        ).to_be_visible(timeout=WORKER_WAIT)
        page.get_by_role("link", name="Voir le résultat").click()
        expect(page.get_by_role("status").first).to_contain_text("3 structures à créer")
        submit_and_wait(
            page, page.get_by_role("button", name="Confirmer l'import"), "/importer/confirmer/"
        )
        expect(
            page.get_by_text("Import terminé : 3 structures créées, 0 mise à jour.")
        ).to_be_visible(timeout=WORKER_WAIT)
    page.get_by_role("link", name="Voir le résultat").click()
    page.get_by_label("Recherche", exact=True).fill("Garage solidaire")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("link", name="Garage solidaire de la Hague")).to_be_visible()


@contextlib.contextmanager
def running_worker():
    process = worker()
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        finish(process)


@e2e
def test_the_public_sees_what_was_published_and_a_withdrawal_at_once(page):
    """An administrator publishes the plan and records a structure's consent; an anonymous
    visitor finds the plan's progress, the structure and the CSV, nothing internal; the
    structure withdraws and is gone."""
    from structures.models import Structure

    structure = Structure.objects.order_by("pk").first()
    Structure.objects.filter(pk=structure.pk).update(
        email="direction@interne.example", contact_name="Mireille Interne"
    )
    action = Action.objects.get(plan__slug=COTENTIN, code="1.4.7")
    ProgressUpdate.objects.create(
        action=action,
        year=2024,
        status="en_cours",
        progress=40,
        achievements="Deux Cafés des ASSOS.",
        difficulties="Salle trop petite (interne).",
    )
    make_user("alice", roles.ADMIN, staff=True)
    log_in(page, "alice")
    page.goto(PLAN)
    page.get_by_label("Publier ce plan sur le site public").check()
    page.get_by_role("button", name="Enregistrer la publication").click()
    expect(
        page.get_by_text("« Plan d'actions ESS 2023-2025 » est publié sur le site public.")
    ).to_be_visible()
    page.goto(f"/structures/{structure.pk}/modifier/")
    page.get_by_label("Publiée dans l'annuaire public").check()
    page.get_by_label("Contact public").fill("bonjour@recyclerie.example")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(f"La structure « {structure.name} » est enregistrée.")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto("/public/")
    page.get_by_role("link", name="Plan d'actions ESS 2023-2025").click()
    expect(page.get_by_role("row", name=re.compile("^1.4.7 .* En cours 40"))).to_be_visible()
    expect(page.get_by_role("heading", name="Indicateurs clés")).to_be_visible()
    page.get_by_role("link", name=re.compile("Organiser et soutenir des événements")).click()
    expect(page.get_by_text("Deux Cafés des ASSOS.")).to_be_visible()
    expect(page.get_by_text("Salle trop petite (interne).")).to_have_count(0)
    page.get_by_role("link", name="Annuaire", exact=True).click()
    page.get_by_role("link", name="Voir la carte par commune").click()
    commune = structure.commune.name
    expect(page.get_by_text("1 structure de l'annuaire dans")).to_be_visible()
    page.get_by_role("link", name=f"{commune} : 1 structure", exact=True).click()
    expect(page.get_by_label("Commune")).to_have_value(str(structure.commune_id))
    page.get_by_role("link", name=structure.name).click()
    expect(page.get_by_text("bonjour@recyclerie.example")).to_be_visible()
    expect(page.get_by_text("direction@interne.example")).to_have_count(0)
    page.get_by_role("link", name="Données ouvertes").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Annuaire public (CSV)").click()
    content = open(info.value.path(), encoding="utf-8-sig").read()
    assert structure.name in content and "Mireille Interne" not in content
    card = page.url

    log_in(page, "alice")
    page.goto(f"/structures/{structure.pk}/modifier/")
    page.get_by_label("Publiée dans l'annuaire public").uncheck()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(f"La structure « {structure.name} » est enregistrée.")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto("/public/annuaire/")
    expect(page.get_by_role("status")).to_have_text("0 structure")
    assert page.goto(card).status == 200  # the open data page itself
    response = page.goto(f"/public/annuaire/{structure.pk}/")
    assert response.status == 404


@e2e
def test_a_structure_asks_to_be_listed_and_the_team_publishes_it(page):
    """An anonymous visitor fills the public form; an editor accepts the request; the
    structure is on the public directory, without its contact person."""
    from structures.models import Structure

    page.goto("/public/annuaire/")
    page.get_by_role("link", name="Demandez son inscription").click()
    page.get_by_label("Nom de la structure").fill("Atelier du réemploi de Valognes")
    page.get_by_label("SIRET").fill("732 829 320 00075")
    page.get_by_role("combobox", name=re.compile("^Commune")).select_option(label="Valognes")
    page.get_by_label("Nom de la personne à contacter").fill("Paule Martin")
    page.get_by_label("Courriel de la personne à contacter").fill("paule.martin@example.org")
    page.get_by_label("La structure accepte").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("SIRET invalide")).to_be_visible()
    expect(page.get_by_label("Nom de la structure")).to_have_value(
        "Atelier du réemploi de Valognes"
    )
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_label("La structure accepte").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", name="Demande envoyée")).to_be_visible()

    make_user("emile", roles.EDITOR)
    log_in(page, "emile")
    page.goto("/structures/")
    page.get_by_role("link", name=re.compile("Demandes d'inscription 1")).click()
    page.get_by_role("button", name="Accepter et publier : Atelier du réemploi de Valognes").click()
    expect(
        page.get_by_text("« Atelier du réemploi de Valognes » paraît dans l'annuaire public")
    ).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto("/public/annuaire/")
    page.get_by_role("link", name="Atelier du réemploi de Valognes").click()
    expect(page.get_by_text("Valognes", exact=True)).to_be_visible()
    expect(page.get_by_text("Paule Martin")).to_have_count(0)
    published = Structure.objects.get(siret="73282932000074")
    assert published.public_recorded_by.username == "emile"
