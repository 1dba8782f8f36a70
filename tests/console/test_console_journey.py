"""The operator's guide clicked through in the console, in Chromium, through the gateway:
an operator adds a client and turns its storefront access on; the admin opens the mail's
link, activates and lands signed in, invites an Order manager (who activates and sees no
team screen) and a Read-only user (who sees no button that changes anything). Every
screen passes axe-core and is saved under var/screenshots/."""

import re
import uuid

import pytest
from playwright.async_api import Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from service_runtime.ops.mail import link_in, mails_to
from service_runtime.testing.helpers import eventually

from .conftest import OPERATOR_PASSWORD

PASSWORD = "correct horse battery staple"


async def _mail_link(maildir, to: str, *, count: int = 1) -> tuple[str, object]:
    """The link of the newest mail to ``to`` once ``count`` have arrived."""

    async def arrived():
        mails = mails_to(maildir, to)
        return mails if len(mails) >= count else None

    mail = (await eventually(arrived, timeout=60))[-1]
    link = link_in(mail)
    assert link is not None
    return link, mail


async def _sign_in(page: Page, url: str, email: str, password: str, *, button: str = "Sign in") -> None:
    await page.goto(url)
    await page.get_by_label(re.compile("^(E-mail address|Adresse e-mail)")).fill(email)
    await page.get_by_label(re.compile("^(Password|Mot de passe)$")).fill(password)
    await page.get_by_role("button", name=button).click()


async def _activate(page: Page, link: str, password: str, *, submit: str = "Activate my account") -> None:
    await page.goto(link)
    await page.get_by_label(re.compile("^(Password|Mot de passe)$")).fill(password)
    await page.get_by_label(re.compile("^(Password again|Confirmez le mot de passe)$")).fill(password)
    await page.get_by_role("button", name=submit).click()


async def _accept_invited(browser, platform, screens_of, email: str, *, locale: str = "en-GB") -> Page:
    link, _ = await _mail_link(platform.maildir, email)
    assert link.startswith(f"{platform.url}/invitations/accept#token=")
    context = await browser.new_context(locale=locale)
    page = await context.new_page()
    await _activate(page, link, PASSWORD)
    return page


@pytest.mark.own_platform  # the operator's first screen: "No clients yet."
async def test_operator_admin_and_team_journey_in_english(browser, platform, screens):
    run = uuid.uuid4().hex[:8]
    shots = screens("en")
    admin_email, manager_email, viewer_email = (f"{n}-{run}@acme.example" for n in ("ada", "olga", "rita"))
    operator = await (await browser.new_context(locale="en-GB")).new_page()

    # the gateway's root opens the console, which asks to sign in
    await operator.goto(platform.url + "/")
    await expect(operator.get_by_role("heading", name="Sign in")).to_be_visible()
    await shots.check(operator, "sign-in")
    await _sign_in(operator, platform.url + "/console/", platform.operator_email, OPERATOR_PASSWORD)
    await expect(operator.get_by_role("heading", name="Clients")).to_be_visible()
    await expect(operator.get_by_text("No clients yet.")).to_be_visible()
    await shots.check(operator, "clients-empty")

    # Step 1: add a client; an API error shows next to the field it names
    await operator.get_by_role("link", name="Add client").first.click()
    await operator.get_by_label("Name").fill("   ")
    await operator.get_by_role("button", name="Create").click()
    name_error = operator.locator("[data-field-error=name]")
    await expect(name_error).to_have_text("The client name is required.")  # the API's detail, by its field
    await expect(operator.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    await shots.check(operator, "add-client-field-error")
    await operator.get_by_label("Name").fill(f"Acme Prints {run}")
    await operator.get_by_label(re.compile("^Reference ID")).fill(f"ACME-{run}")
    await operator.get_by_label(re.compile("^Description")).fill("Business cards and flyers")
    await operator.get_by_role("button", name="Create").click()

    # Step 2: the client's Settings tab, "Storefront access" on, the admin invited
    await expect(operator.get_by_role("heading", name="Storefront access")).to_be_visible(timeout=60_000)
    await shots.check(operator, "settings-access-off")
    await operator.get_by_role("switch", name="Storefront access").click()
    await operator.get_by_label("E-mail address").fill(f"ada-{run}@acme.exmaple")  # mistyped
    await operator.get_by_label("First name").fill("Ada")
    await operator.get_by_label("Last name").fill("Lovelace")
    await operator.get_by_role("button", name="Submit").click()
    await expect(operator.get_by_test_id("admin-email")).to_have_text(f"ada-{run}@acme.exmaple")
    # the operator corrects the address (a new invitation goes there), then resends it
    await operator.get_by_role("button", name="Correct the e-mail address").click()
    await operator.get_by_label("E-mail address").fill(admin_email)
    await operator.get_by_role("button", name="Save and send again").click()
    await expect(operator.get_by_test_id("admin-email")).to_have_text(admin_email)
    first_link, _ = await _mail_link(platform.maildir, admin_email)
    await operator.get_by_role("button", name="Resend invitation").click()
    await expect(operator.get_by_text("A new invitation is on its way.")).to_be_visible()
    await expect(operator.get_by_text("Invitation sent", exact=True).first).to_be_visible(timeout=30_000)
    await shots.check(operator, "settings-admin-invited")

    # the admin opens the newest mail's link: the console's page checks it, activates, signs in
    link, mail = await _mail_link(platform.maildir, admin_email, count=2)
    assert "You're invited" in str(mail["Subject"])
    admin = await (await browser.new_context(locale="en-GB")).new_page()
    await admin.goto(link)
    await expect(
        admin.get_by_text(f"You are activating the account {admin_email} for Acme Prints {run}.")
    ).to_be_visible()
    assert "token" not in admin.url  # the token leaves the address bar once read
    await shots.check(admin, "accept-invitation")
    await admin.get_by_label("Password", exact=True).fill(PASSWORD)
    await admin.get_by_label("Password again").fill(PASSWORD + "!")
    await admin.get_by_role("button", name="Activate my account").click()
    await expect(admin.get_by_text("The two passwords are different.")).to_be_visible()
    await admin.get_by_label("Password again").fill(PASSWORD)
    await admin.get_by_role("button", name="Activate my account").click()
    await expect(admin.get_by_role("heading", name="Welcome, Ada")).to_be_visible()
    await shots.check(admin, "admin-home")
    # the page checks a link before anyone types: the first mail's link was replaced by the resend
    stale = await (await browser.new_context(locale="en-GB")).new_page()
    await stale.goto(first_link)
    await expect(stale.get_by_text("Ask your administrator or your provider for a new invitation.")).to_be_visible()
    await expect(stale.get_by_label("Password", exact=True)).to_have_count(0)
    await shots.check(stale, "accept-replaced-link")
    # the session survives a reload (the refresh cookie), and no token is in web storage
    await admin.reload()
    await expect(admin.get_by_role("heading", name="Welcome, Ada")).to_be_visible()
    storage = await admin.evaluate("() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})")
    assert "eyJ" not in storage  # no JWT
    cookies = await admin.context.cookies()
    [refresh] = [c for c in cookies if c["name"] == "storefronts_refresh"]
    assert refresh["httpOnly"] and refresh["sameSite"] == "Strict" and refresh["path"] == "/auth"

    # the admin's team: the last-admin rule explained; an Order manager and a Read-only user invited
    await admin.get_by_role("link", name="Team").click()
    await expect(admin.get_by_text("is the last active admin")).to_be_visible()
    for email, first, role in ((manager_email, "Olga", "Order manager"), (viewer_email, "Rita", "Read-only")):
        await admin.get_by_label("E-mail address").fill(email)
        await admin.get_by_label("First name").fill(first)
        await admin.get_by_label("Last name").fill("Smith")
        await admin.get_by_label("Role", exact=True).select_option(label=role)
        await admin.get_by_role("button", name="Send invitation", exact=True).click()
        await expect(admin.get_by_text(f"{email} is invited.")).to_be_visible()
    await expect(admin.get_by_role("cell", name=manager_email)).to_be_visible()
    await shots.check(admin, "team")

    # the Order manager activates, lands signed in, and has no team screen
    manager = await _accept_invited(browser, platform, shots, manager_email)
    await expect(manager.get_by_role("heading", name="Welcome, Olga")).to_be_visible()
    await expect(manager.get_by_role("navigation", name="Main").get_by_role("link", name="Team")).to_have_count(0)
    await expect(manager.get_by_role("link", name="Postbacks")).to_have_count(0)  # the notifier refuses the role
    await shots.check(manager, "order-manager-home")
    for screen in ("team", "postbacks"):
        await manager.goto(f"{platform.url}/console/{screen}")
        await expect(manager.get_by_role("heading", name="Page not found")).to_be_visible()

    # the Read-only user sees no button that changes anything: sign-out is the only one
    viewer = await _accept_invited(browser, platform, shots, viewer_email)
    await expect(viewer.get_by_role("heading", name="Welcome, Rita")).to_be_visible()
    await expect(viewer.get_by_text("Your account can see everything and change nothing.")).to_be_visible()
    buttons = await viewer.get_by_role("button").all_inner_texts()
    assert buttons == ["Sign out"], buttons
    await shots.check(viewer, "read-only-home")

    # the admin changes a role and removes someone, after confirming
    await admin.reload()
    await admin.get_by_label("Change role of Olga Smith").select_option(label="Read-only")
    await expect(admin.get_by_label("Change role of Olga Smith")).to_have_value("read_only")
    await admin.get_by_role("row", name=re.compile("Rita Smith")).get_by_role("button", name="Remove").click()
    await expect(admin.get_by_role("dialog")).to_contain_text("Remove Rita Smith from the team?")
    await shots.check(admin, "confirm-remove")
    await admin.get_by_role("dialog").get_by_role("button", name="Remove").click()
    await expect(admin.get_by_role("cell", name=viewer_email)).to_have_count(0)

    # the operator sees the admin active, each step with its time, and the delivery log
    await operator.reload()
    await expect(operator.get_by_text("Active", exact=True).first).to_be_visible()
    await expect(operator.get_by_role("button", name="Resend invitation")).to_have_count(0)
    await shots.check(operator, "settings-admin-active")
    await operator.get_by_role("link", name="Team").click()
    await expect(operator.get_by_role("cell", name=manager_email)).to_be_visible()
    await expect(operator.get_by_role("button")).to_have_text(["Sign out", "Archive client"])  # sees, changes nothing
    await shots.check(operator, "client-team")
    await operator.get_by_role("link", name="E-mail log").click()
    await expect(operator.get_by_role("cell", name=admin_email).first).to_be_visible()
    await shots.check(operator, "email-log")
    await operator.get_by_role("link", name="Clients").click()
    await expect(operator.get_by_role("link", name=f"Acme Prints {run}")).to_be_visible()
    await shots.check(operator, "clients")
    await operator.get_by_label("Search by name or reference ID").fill("no such client")
    await operator.get_by_role("button", name="Search").click()
    await expect(operator.get_by_text("No client matches this search.")).to_be_visible()
    await operator.get_by_label("Search by name or reference ID").fill(f"ACME-{run}")
    await operator.get_by_role("button", name="Search").click()
    await expect(operator.get_by_role("link", name=f"Acme Prints {run}")).to_be_visible()

    # access turned off: the admin's next step lands on a clear "session ended" screen
    await operator.get_by_role("link", name=f"Acme Prints {run}").click()
    await operator.get_by_role("link", name="Settings").click()
    await expect(operator.get_by_role("switch", name="Storefront access")).to_have_attribute("aria-checked", "true")
    await operator.get_by_role("switch", name="Storefront access").click()
    await shots.check(operator, "confirm-turn-off")
    await operator.get_by_role("dialog").get_by_role("button", name="Turn off access").click()
    await expect(operator.get_by_role("switch", name="Storefront access")).to_have_attribute("aria-checked", "false")

    ended_heading = admin.get_by_role("heading", name="Your session has ended")

    async def ended():
        if not await ended_heading.is_visible():
            try:  # each step asks the API; the step after access is off ends the session
                for name in ("Home", "Team"):
                    await admin.get_by_role("link", name=name).click(timeout=2000)
            except PlaywrightTimeoutError:
                pass  # the session ended while clicking: the heading below tells
        return await ended_heading.is_visible()

    await eventually(ended, timeout=30)
    await shots.check(admin, "session-ended")

    # archive asks first, and restore brings the client back
    await operator.get_by_role("button", name="Archive client").click()
    await operator.get_by_role("dialog").get_by_role("button", name="Archive client").click()
    await expect(operator.get_by_text("This client is archived")).to_be_visible()
    await operator.get_by_role("link", name="Clients").click()
    await operator.get_by_label("Status").select_option(label="Archived")
    await expect(operator.get_by_role("link", name=f"Acme Prints {run}")).to_be_visible()
    await shots.check(operator, "clients-archived")
    await operator.get_by_role("link", name=f"Acme Prints {run}").click()
    await operator.get_by_role("button", name="Restore client").click()
    await operator.get_by_role("dialog").get_by_role("button", name="Restore client").click()
    await expect(operator.get_by_role("button", name="Archive client")).to_be_visible()

    # sign out
    await operator.get_by_role("button", name="Sign out").click()
    await expect(operator.get_by_role("heading", name="Sign in")).to_be_visible()


@pytest.mark.own_platform  # "Aucun client pour l'instant."
async def test_the_same_journey_in_french_speaks_french_from_mail_to_last_screen(browser, platform, screens):
    run = uuid.uuid4().hex[:8]
    shots = screens("fr")
    admin_email, manager_email = f"ada-{run}@acme.example", f"olga-{run}@acme.example"
    operator = await (await browser.new_context(locale="fr-FR")).new_page()

    await operator.goto(platform.url + "/")
    await expect(operator.get_by_role("heading", name="Connexion")).to_be_visible()
    assert await operator.evaluate("document.documentElement.lang") == "fr"
    await shots.check(operator, "connexion")
    await _sign_in(
        operator, platform.url + "/console/", platform.operator_email, OPERATOR_PASSWORD, button="Se connecter"
    )
    await expect(operator.get_by_text("Aucun client pour l'instant.")).to_be_visible()
    await shots.check(operator, "clients-vide")

    await operator.get_by_role("link", name="Ajouter un client").first.click()
    await operator.get_by_label("Nom").fill("   ")
    await operator.get_by_role("button", name="Créer").click()
    await expect(operator.locator("[data-field-error=name]")).to_have_text("Le nom du client est obligatoire.")
    await shots.check(operator, "ajouter-client-erreur")
    await operator.get_by_label("Nom").fill(f"Imprimerie {run}")
    await operator.get_by_role("button", name="Créer").click()

    await expect(operator.get_by_role("heading", name="Accès à la vitrine")).to_be_visible(timeout=60_000)
    await operator.get_by_role("switch", name="Accès à la vitrine").click()
    await operator.get_by_label("Adresse e-mail").fill(admin_email)
    await operator.get_by_label("Prénom").fill("Ada")
    await operator.get_by_label("Nom de famille").fill("Lovelace")
    await expect(operator.get_by_label("Langue de l'invitation")).to_have_value("fr")
    await operator.get_by_role("button", name="Soumettre").click()
    await expect(operator.get_by_role("button", name="Renvoyer l'invitation")).to_be_visible()
    await shots.check(operator, "parametres-admin-invite")

    link, mail = await _mail_link(platform.maildir, admin_email)
    assert "Vous êtes invité" in str(mail["Subject"])
    admin = await (await browser.new_context(locale="fr-FR")).new_page()
    await admin.goto(link)
    await expect(admin.get_by_text(f"Vous activez le compte {admin_email} pour Imprimerie {run}.")).to_be_visible()
    await shots.check(admin, "accepter-invitation")
    await _activate(admin, link, PASSWORD, submit="Activer mon compte")
    await expect(admin.get_by_role("heading", name="Bienvenue, Ada")).to_be_visible()
    await shots.check(admin, "accueil-admin")

    await admin.get_by_role("link", name="Équipe").click()
    await expect(admin.get_by_text("est le dernier administrateur actif")).to_be_visible()
    await admin.get_by_label("Adresse e-mail").fill(manager_email)
    await admin.get_by_label("Prénom").fill("Olga")
    await admin.get_by_label("Nom de famille").fill("Dupont")
    await admin.get_by_label("Rôle", exact=True).select_option(label="Gestionnaire de commandes")
    await admin.get_by_role("button", name="Envoyer l'invitation", exact=True).click()
    await expect(admin.get_by_text(f"{manager_email} est invité.")).to_be_visible()
    await expect(admin.get_by_role("cell", name=manager_email, exact=True)).to_be_visible()  # listed, with its status
    await shots.check(admin, "equipe")

    # the admin's postbacks, in its menu: a refused URL beside its field, then the secret shown once
    await admin.get_by_role("navigation", name="Principal").get_by_role("link", name="Postbacks").click()
    await expect(admin.get_by_text("Aucun point de terminaison.")).to_be_visible()
    await admin.get_by_label("URL", exact=True).fill("http://moi:secret@erp.acme.example/hooks")
    await admin.get_by_role("button", name="Ajouter le point de terminaison").click()
    await expect(admin.locator("[data-field-error=url]")).to_be_visible()  # the notifier's reason (English for now)
    await expect(admin.get_by_label("URL", exact=True)).to_have_attribute("aria-invalid", "true")
    await shots.check(admin, "postbacks-url-refusee")
    await admin.get_by_label("URL", exact=True).fill("https://erp.acme.example/hooks")
    await admin.get_by_role("button", name="Ajouter le point de terminaison").click()
    await expect(admin.get_by_text("vous ne le reverrez plus")).to_be_visible()
    await expect(admin.get_by_role("textbox", name="Secret de signature")).to_have_value(re.compile("^whsec_"))
    await expect(admin.get_by_role("row", name="https://erp.acme.example/hooks").get_by_text("Activé")).to_be_visible()
    await shots.check(admin, "postbacks-secret-une-fois")

    link, mail = await _mail_link(platform.maildir, manager_email)
    assert "Vous êtes invité" in str(mail["Subject"])  # the admin's language
    manager = await (await browser.new_context(locale="fr-FR")).new_page()
    await _activate(manager, link, PASSWORD, submit="Activer mon compte")
    await expect(manager.get_by_role("heading", name="Bienvenue, Olga")).to_be_visible()
    await expect(manager.get_by_role("link", name="Équipe")).to_have_count(0)
    await shots.check(manager, "accueil-gestionnaire-commandes")

    await operator.get_by_role("link", name="Journal des e-mails").click()
    await expect(operator.get_by_role("cell", name=admin_email)).to_be_visible()
    await shots.check(operator, "journal-e-mails")
