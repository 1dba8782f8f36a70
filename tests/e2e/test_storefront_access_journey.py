"""Steps 1 and 2 of the operator's guide and 'managing user access', end to end: client,
access and notifier services as processes, real Kafka, PostgreSQL, Redis and SMTP."""

import uuid
from urllib.parse import urljoin

import httpx

from service_runtime.ops.mail import link_in, mails_to
from service_runtime.testing.helpers import assert_conforms_to_contract, eventually, read_raw
from service_runtime.testing.processes import free_port
from storefront_events import ACCESS_V1, CLIENTS_V1, NOTIFICATIONS_V1


async def test_operator_invites_admin_who_accepts_signs_in_and_invites_an_order_manager(launch, stack, topic_prefix):
    run = uuid.uuid4().hex[:8]
    admin_email, manager_email = f"ada-{run}@acme.example", f"olga-{run}@acme.example"
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
    notifier = launch("notifier", wait=False, SMTP_HOST=stack.smtp_host, SMTP_PORT=str(stack.smtp_port), **jwks)
    for service in (clients, notifier):
        service.wait_ready()

    async with httpx.AsyncClient(timeout=20) as http:
        login = await http.post(
            f"{access.url}/auth/login",
            json={"email": f"ops-{run}@provider.example", "password": "operator passphrase long enough"},
        )
        assert login.status_code == 200, login.text
        operator = {"Authorization": f"Bearer {login.json()['access_token']}"}

        created = await http.post(
            f"{clients.url}/clients", headers=operator, json={"name": f"Acme {run}", "reference_id": f"ACME-{run}"}
        )
        assert created.status_code == 201, created.text
        client_id = created.json()["id"]

        async def grant():
            response = await http.put(
                f"{access.url}/clients/{client_id}/storefront-access",
                headers=operator,
                json={
                    "enabled": True,
                    "admin_email": admin_email.upper(),
                    "admin_first_name": "Ada",
                    "admin_last_name": "Lovelace",
                },
            )
            return response if response.status_code == 200 else None  # 404 until ClientCreated arrived

        granted = await eventually(grant, timeout=30)
        assert granted.json()["admin"]["status"] == "invitation_sent"
        assert granted.json()["admin"]["email"] == admin_email

        [invitation] = await eventually(lambda: _async(mails_to(stack.maildir, admin_email)), timeout=30)
        assert admin_email in invitation.get_body(preferencelist=("plain",)).get_content()
        link = link_in(invitation)
        page = await http.get(link.split("#")[0])  # what the person's browser asks for: never the fragment
        assert page.status_code == 200 and "Activate my account" in page.text
        token = link.split("#token=")[1]  # what the page's script reads from the fragment
        accepted = await http.post(
            urljoin(link, "accept"), json={"token": token, "password": "correct horse battery staple"}
        )
        assert accepted.status_code == 200, accepted.text  # what the page posts

        admin_login = await http.post(
            f"{access.url}/auth/login", json={"email": admin_email, "password": "correct horse battery staple"}
        )
        assert admin_login.status_code == 200, admin_login.text
        admin = {"Authorization": f"Bearer {admin_login.json()['access_token']}"}

        added = await http.post(
            f"{access.url}/clients/{client_id}/users",
            headers=admin,
            json={"email": manager_email, "first_name": "Olga", "last_name": "Orders", "role": "order_manager"},
        )
        assert added.status_code == 201, added.text

        [manager_mail] = await eventually(lambda: _async(mails_to(stack.maildir, manager_email)), timeout=30)
        assert "token=" in manager_mail.get_body(preferencelist=("plain",)).get_content()

        users = (await http.get(f"{access.url}/clients/{client_id}/users", headers=admin)).json()["items"]
        assert {u["email"]: u["status"] for u in users} == {admin_email: "active", manager_email: "invitation_sent"}
        state = (await http.get(f"{access.url}/clients/{client_id}/storefront-access", headers=operator)).json()
        assert state["enabled"] is True and state["admin"]["status"] == "active"

        # the admin's token cannot reach the operator-only client service
        assert (await http.get(f"{clients.url}/clients", headers=admin)).status_code == 403

        # access turned off: the admin's still-valid token stops working in the other services too
        assert (await http.get(f"{notifier.url}/emails", headers=admin)).status_code == 200
        off = await http.put(
            f"{access.url}/clients/{client_id}/storefront-access", headers=operator, json={"enabled": False}
        )
        assert off.status_code == 200, off.text

        async def refused():
            return (await http.get(f"{notifier.url}/emails", headers=admin)).status_code == 401

        await eventually(refused, timeout=30)

    # every event the three services published is what libs/events/schemas promised
    for topic, count in ((CLIENTS_V1, 1), (ACCESS_V1, 5), (NOTIFICATIONS_V1, 2)):
        values = await read_raw(stack.kafka_bootstrap, topic_prefix + topic.name, count=count)
        assert len(values) == count, topic.name
        for value in values:
            assert_conforms_to_contract(value)


async def _async(value):
    return value
