"""Access rules, without any infrastructure."""

from datetime import UTC, datetime, timedelta

import pytest

from access.domain import InvalidInvitation, InvalidUser, LastAdmin, User, WeakPassword
from access.domain.invitations import hash_token, new_invitation
from access.domain.passwords import check_password
from access.domain.users import change_role, clean_email, clean_name, clean_scope, ensure_not_last_admin, new_user

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _user(user_id: str, role: str = "admin", status: str = "active", **kwargs) -> User:
    return User(user_id, "c1", f"{user_id}@x.example", "F", "L", role, status=status, **kwargs)


@pytest.mark.parametrize("email", ["", "   ", "no-at", "a@", "@b.example", "a@@b.example", "a b@c.example", None])
def test_rejects_bad_emails(email):
    with pytest.raises(InvalidUser):
        clean_email(email)


def test_emails_are_trimmed_and_lower_cased():
    assert clean_email("  Ada.Lovelace@ACME.Example ") == "ada.lovelace@acme.example"


def test_names_are_trimmed_required_and_at_most_100_characters():
    assert clean_name("  Jean   Luc ", field="first_name") == "Jean Luc"
    for bad in ("", "  ", None, "x" * 101):
        with pytest.raises(InvalidUser):
            clean_name(bad, field="first_name")


@pytest.mark.parametrize("password", ["short", "a" * 20, "ada-lovelace-2026!", "xxADA-LOVELACExx"])
def test_rejects_weak_passwords(password):
    with pytest.raises(WeakPassword):
        check_password(password, email="ada-lovelace@x.example")


def test_accepts_a_long_password_unrelated_to_the_email():
    check_password("correct horse battery staple", email="ada@x.example")


def test_store_ids_are_for_store_managers_only_and_required_there():
    assert clean_scope("store_manager", [" s1", "s2", "s1", ""]) == ("s1", "s2")
    with pytest.raises(InvalidUser):
        clean_scope("store_manager", [])
    with pytest.raises(InvalidUser):
        clean_scope("admin", ["s1"])
    with pytest.raises(InvalidUser):
        clean_scope("operator", [])


def test_new_user_is_invited_with_clean_fields():
    user = new_user("u1", client_id="c1", email="A@X.example", first_name=" A ", last_name="B", role="read_only")
    assert (user.email, user.first_name, user.status, user.store_ids) == ("a@x.example", "A", "invitation_sent", ())


def test_the_last_active_admin_cannot_be_removed_or_demoted():
    last, pending = _user("a1"), _user("a2", status="invitation_sent")
    with pytest.raises(LastAdmin):
        ensure_not_last_admin(last, [last, pending])
    with pytest.raises(LastAdmin):
        change_role(last, "read_only", [], others=[last, pending])
    ensure_not_last_admin(last, [last, _user("a3")])
    assert change_role(last, "read_only", [], others=[last, _user("a3")]).role == "read_only"


def test_other_users_are_removed_freely():
    ensure_not_last_admin(_user("r1", role="read_only"), [])
    ensure_not_last_admin(_user("a2", status="invitation_sent"), [])


def test_invitation_tokens_are_stored_as_hashes_and_expire_after_seven_days():
    invitation, token = new_invitation("i1", "u1", now=NOW)
    assert invitation.token_hash == hash_token(token) != token
    assert invitation.expires_at == NOW + timedelta(days=7)
    invitation.check_usable(NOW + timedelta(days=6, hours=23))
    with pytest.raises(InvalidInvitation, match="expired"):
        invitation.check_usable(NOW + timedelta(days=7))


def test_used_and_replaced_invitations_are_refused():
    invitation, _ = new_invitation("i1", "u1", now=NOW)
    with pytest.raises(InvalidInvitation, match="already been used"):
        invitation.used(NOW).check_usable(NOW)
    with pytest.raises(InvalidInvitation, match="replaced"):
        invitation.revoked(NOW).check_usable(NOW)


def test_each_change_of_a_user_raises_its_version_by_one():
    user = new_user("u1", client_id="c1", email="u1@x.example", first_name="F", last_name="L", role="order_manager")
    assert user.version == 1
    active = user.activated("hash")
    changed = change_role(active, "read_only", (), others=[])
    assert [active.version, changed.version, changed.invited_again().version, changed.removed().version] == [2, 3, 4, 4]


@pytest.mark.parametrize(
    "name", ["Ada\x00", "Ada\u202eecalevoL", "Ada\u2067", "Ada\x1b[31m", "Ada\u2029Lovelace", "Ada\nLovelace"]
)
def test_names_refuse_control_bidi_and_separator_characters_naming_the_field(name):
    with pytest.raises(InvalidUser) as refused:
        clean_name(name, field="last_name")
    assert refused.value.extensions["field"] == "last_name"
    assert refused.value.detail.startswith("The last name contains a character that is not allowed (U+")
