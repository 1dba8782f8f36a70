"""Mistakes people make, recovered end to end: client, access and notifier services as
processes on the real Kafka, PostgreSQL and SMTP server (a private catcher where an
address must be refused)."""

import email
import email.policy
import re
import uuid
from pathlib import Path

import httpx
import pytest

from service_runtime.ops.mail import link_in, mails_to, token_of
from service_runtime.testing.helpers import eventually, load_module
from service_runtime.testing.processes import free_port

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


async def _mail(maildir: Path, address: str, count: int = 1) -> email.message.EmailMessage:
    async def arrived():
        mails = mails_to(maildir, address)
        return mails if len(mails) >= count else None

    return (await eventually(arrived, timeout=30))[count - 1]


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _link(message) -> tuple[str, str]:
    """The accept page's address and the token, whether the link carries it as ?token= or #token=."""
    link = link_in(message)
    assert link, "the mail holds no invitation link"
    return re.split(r"[?#]", link, maxsplit=1)[0], token_of(link)


@pytest.fixture
async def stack_of_three(launch, stack):
    """(http, operator headers, services, run id) with the three services started."""
    run = uuid.uuid4().hex[:8]
    opened: list[httpx.AsyncClient] = []

    async def start(*, smtp_port: int | None = None, **notifier_extra):
        access_port = free_port()
        access = launch(
            "access",
            port=access_port,
            PUBLIC_URL=f"http://127.0.0.1:{access_port}",
            BOOTSTRAP_OPERATOR_EMAIL=f"ops-{run}@provider.example",
            BOOTSTRAP_OPERATOR_PASSWORD="operator passphrase long enough",
        )
        jwks = {"STOREFRONTS_JWKS_URL": f"{access.url}/.well-known/jwks.json"}
        clients = launch("client", wait=False, **jwks)  # side by side, then each waited for
        notifier = launch(
            "notifier",
            wait=False,
            SMTP_HOST=stack.smtp_host,
            SMTP_PORT=str(smtp_port or stack.smtp_port),
            **notifier_extra,
            **jwks,
        )
        for service in (clients, notifier):
            service.wait_ready()
        http = httpx.AsyncClient(timeout=20)
        opened.append(http)
        login = await http.post(
            f"{access.url}/auth/login",
            json={"email": f"ops-{run}@provider.example", "password": "operator passphrase long enough"},
        )
        assert login.status_code == 200, login.text
        return http, {"Authorization": f"Bearer {login.json()['access_token']}"}, access, clients, run

    yield start
    for http in opened:
        await http.aclose()


async def _client(http, clients, operator, name: str, reference: str) -> str:
    created = await http.post(
        f"{clients.url}/clients", headers=operator, json={"name": name, "reference_id": reference}
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]


async def _grant(http, access, operator, client_id: str, admin_email: str, **extra) -> dict:
    """Turns access on; until the client's ClientCreated has arrived the answer is a 409
    client-not-yet-known with Retry-After, never a bare 404."""

    async def grant():
        response = await http.put(
            f"{access.url}/clients/{client_id}/storefront-access",
            headers=operator,
            json={
                "enabled": True,
                "admin_email": admin_email,
                "admin_first_name": "Ada",
                "admin_last_name": "Lovelace",
                **extra,
            },
        )
        if response.status_code == 409 and response.json()["type"].endswith("/client-not-yet-known"):
            assert response.headers["retry-after"] == "1"
            return None
        assert response.status_code == 200, response.text
        return response.json()

    return await eventually(grant, timeout=30)


async def test_a_french_admin_sees_french_from_the_mail_to_the_success_page(stack_of_three, stack):
    http, operator, access, clients, run = await stack_of_three()
    admin_email = f"francoise-{run}@acme.example"
    client_id = await _client(http, clients, operator, f"Imprimerie {run}", f"IMP-{run}")
    await _grant(http, access, operator, client_id, admin_email, locale="fr-FR")

    mail = await _mail(stack.maildir, admin_email)
    assert mail["Subject"].startswith("Vous êtes invité(e) sur Storefronts") and mail["Content-Language"] == "fr"
    page_url, token = _link(mail)
    page = await http.get(page_url, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="fr">' in page.text and "Activer mon compte" in page.text and token not in page.text

    seen = (await http.post(f"{access.url}/invitations/inspect", json={"token": token})).json()
    assert (seen["state"], seen["email"], seen["client_name"], seen["locale"]) == (
        "usable",
        admin_email,
        f"Imprimerie {run}",
        "fr",
    )
    weak = await http.post(f"{access.url}/invitations/accept", json={"token": token, "password": "trop court"})
    assert weak.status_code == 422
    assert weak.json()["title"] == "Mot de passe trop faible" and "au moins 12 caractères" in weak.json()["detail"]
    accepted = await http.post(f"{access.url}/invitations/accept", json={"token": token, "password": PASSWORD})
    assert accepted.status_code == 200, accepted.text
    assert "Votre compte {email} est activé pour {client}." in page.text and "Se connecter" in page.text
    used = (await http.post(f"{access.url}/invitations/inspect", json={"token": token})).json()
    assert used["state"] == "used" and used["message"] == "Ce lien d'invitation a déjà été utilisé : connectez-vous."


async def test_a_mistyped_admin_address_is_corrected_and_only_the_new_link_works(stack_of_three, stack):
    http, operator, access, clients, run = await stack_of_three()
    typo, right = f"ada-{run}@acme.exmaple", f"ada-{run}@acme.example"
    client_id = await _client(http, clients, operator, f"Typo {run}", f"TYPO-{run}")
    await _grant(http, access, operator, client_id, typo)
    _, old_token = _link(await _mail(stack.maildir, typo))

    corrected = await http.patch(
        f"{access.url}/clients/{client_id}/storefront-access/admin", headers=operator, json={"email": right}
    )
    assert corrected.status_code == 200, corrected.text

    _, new_token = _link(await _mail(stack.maildir, right))
    old = await http.post(f"{access.url}/invitations/accept", json={"token": old_token, "password": PASSWORD})
    assert old.status_code == 410 and old.json()["state"] == "replaced"
    assert (await http.post(f"{access.url}/invitations/inspect", json={"token": old_token})).json()[
        "state"
    ] == "replaced"
    assert (
        await http.post(f"{access.url}/invitations/accept", json={"token": new_token, "password": PASSWORD})
    ).status_code == 200
    login = await http.post(f"{access.url}/auth/login", json={"email": right, "password": PASSWORD})
    assert login.status_code == 200
    resend = await http.post(f"{access.url}/clients/{client_id}/storefront-access/resend-invitation", headers=operator)
    assert resend.status_code == 409 and "already activated" in resend.json()["detail"]


async def test_status_reads_pending_then_sent_then_active_with_the_time_of_each(stack_of_three, stack):
    http, operator, access, clients, run = await stack_of_three()
    admin_email = f"steps-{run}@acme.example"
    client_id = await _client(http, clients, operator, f"Steps {run}", f"STEP-{run}")
    granted = await _grant(http, access, operator, client_id, admin_email)
    assert granted["admin"]["invitation_status"] in ("pending", "sent") and granted["admin"]["invited_at"]

    async def sent():
        admin = (await http.get(f"{access.url}/clients/{client_id}/storefront-access", headers=operator)).json()[
            "admin"
        ]
        return admin if admin["invitation_status"] == "sent" else None

    admin = await eventually(sent, timeout=30)
    assert admin["sent_at"] >= admin["invited_at"] and admin["activated_at"] is None
    _, token = _link(await _mail(stack.maildir, admin_email))
    assert (
        await http.post(f"{access.url}/invitations/accept", json={"token": token, "password": PASSWORD})
    ).status_code == 200
    active = (await http.get(f"{access.url}/clients/{client_id}/storefront-access", headers=operator)).json()["admin"]
    assert active["invitation_status"] == "active" and active["activated_at"] >= active["sent_at"]


async def test_an_undeliverable_address_ends_delivery_failed_with_the_reason_for_the_operator(stack_of_three, tmp_path):
    catcher = load_module("smtp_catcher", REPO / "deploy" / "smtp_catcher.py")
    controller = await catcher.start_catcher("127.0.0.1", 0, tmp_path / "mail")
    try:
        http, operator, access, clients, run = await stack_of_three(
            smtp_port=controller.port, RETRY_BASE_SECONDS="0.2", PERMANENT_FAILURE_ATTEMPTS="2"
        )
        client_id = await _client(http, clients, operator, f"Bounce {run}", f"BNC-{run}")
        await _grant(http, access, operator, client_id, f"nobody-{run}@refuse.example")

        async def failed():
            admin = (await http.get(f"{access.url}/clients/{client_id}/storefront-access", headers=operator)).json()[
                "admin"
            ]
            return admin if admin["invitation_status"] == "delivery_failed" else None

        admin = await eventually(failed, timeout=60)
        assert "550" in admin["delivery_error"] and admin["delivery_failed_at"] and admin["sent_at"] is None
        assert mails_to(tmp_path / "mail", f"nobody-{run}@refuse.example") == []
    finally:
        await catcher.stop_catcher(controller)


async def test_an_archived_client_is_restored_with_its_reference_and_may_have_access_again(stack_of_three):
    http, operator, access, clients, run = await stack_of_three()
    client_id = await _client(http, clients, operator, f"Phoenix {run}", f"PHX-{run}")
    await _grant(http, access, operator, client_id, f"phoenix-{run}@acme.example")
    assert (await http.post(f"{clients.url}/clients/{client_id}/archive", headers=operator)).status_code == 200

    async def off():
        state = (await http.get(f"{access.url}/clients/{client_id}/storefront-access", headers=operator)).json()
        return state["enabled"] is False

    await eventually(off, timeout=30)
    taken = await http.post(
        f"{clients.url}/clients", headers=operator, json={"name": "Copy", "reference_id": f"PHX-{run}"}
    )
    assert taken.status_code == 409

    restored = await http.post(f"{clients.url}/clients/{client_id}/restore", headers=operator)
    assert restored.status_code == 200 and restored.json()["reference_id"] == f"PHX-{run}"

    async def on_again():
        response = await http.put(
            f"{access.url}/clients/{client_id}/storefront-access",
            headers=operator,
            json={
                "enabled": True,
                "admin_email": f"phoenix-{run}@acme.example",
                "admin_first_name": "Ada",
                "admin_last_name": "Lovelace",
            },
        )
        return response.status_code == 200 and response.json()

    assert (await eventually(on_again, timeout=30))["enabled"] is True
