"""Staff users, passwords and bearer tokens."""
import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from freezegun import freeze_time
from sqlmodel import select

from spravato_ops.models import ApiToken, User, UserSite

from ..factories import PASSWORD
from ..readback import everything, rows

API = "/api/v1"
NEW_USER = {"email": "Rosa.Diaz@Example.org", "name": "Rosa Diaz", "role": "nurse",
            "password": "a long enough secret"}


def sign_in(client, email, password=PASSWORD):
    return client.post(f"{API}/auth/tokens", json={"email": email, "password": password})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_create_user_with_sites(client, auth, make, db):
    site, other = make.site(), make.site()
    response = client.post(f"{API}/users", headers=auth("admin"),
                           json={**NEW_USER, "site_ids": [site.id, other.id, site.id]})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["email"] == "rosa.diaz@example.org"  # stored lower-case
    assert body["role"] == "nurse" and body["active"] is True
    assert sorted(body["site_ids"]) == sorted([site.id, other.id])
    assert "password" not in body and "password_hash" not in body
    links = rows(db, select(UserSite).where(UserSite.user_id == body["id"]))
    assert sorted(link.site_id for link in links) == sorted([site.id, other.id])


def test_password_is_stored_as_an_argon2_hash(client, auth, db):
    response = client.post(f"{API}/users", headers=auth("admin"), json=NEW_USER)
    [user] = rows(db, select(User).where(User.id == response.json["id"]))
    assert user.password_hash.startswith("$argon2")
    assert NEW_USER["password"] not in user.password_hash
    assert PasswordHasher().verify(user.password_hash, NEW_USER["password"])


def test_duplicate_email_is_a_409_whatever_its_case(client, auth, db):
    headers = auth("admin")
    assert client.post(f"{API}/users", headers=headers, json=NEW_USER).status_code == 201
    state = everything(db)
    again = client.post(f"{API}/users", headers=headers,
                        json={**NEW_USER, "email": "ROSA.DIAZ@example.ORG", "role": "admin"})
    assert again.status_code == 409
    assert "already exists" in again.json["message"]
    assert everything(db) == state


@pytest.mark.parametrize(("change", "field"), [
    ({"password": "short"}, "password"),
    ({"role": "superuser"}, "role"),
    ({"email": "not-an-email"}, "email"),
    ({"site_ids": [4242]}, "site_ids"),
    ({"site_ids": [0]}, "site_ids"),
])
def test_create_user_refuses_invalid_fields(client, auth, db, change, field):
    headers = auth("admin")
    state = everything(db)
    response = client.post(f"{API}/users", headers=headers, json={**NEW_USER, **change})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {field}
    assert everything(db) == state


def test_sign_in_issues_a_token_stored_only_as_its_digest(client, make, db):
    user = make.user("scheduler")
    response = sign_in(client, user.email.upper())
    assert response.status_code == 201, response.json
    token = response.json["token"]
    assert response.json["expires_at"].endswith("Z")
    [stored] = rows(db, select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash != token
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(everything(db))
    me = client.get(f"{API}/users/me", headers=bearer(token))
    assert me.status_code == 200
    assert (me.json["id"], me.json["email"], me.json["role"]) == (user.id, user.email, "scheduler")


def test_me_lists_the_users_sites(client, make):
    site = make.site()
    user = make.user("nurse", site=site)
    me = client.get(f"{API}/users/me", headers=make.auth_headers(user=user))
    assert me.json["site_ids"] == [site.id]


@pytest.mark.parametrize("credentials", [
    {"password": "wrong password"},
    {"email": "nobody@example.org"},
])
def test_wrong_credentials_are_a_401_with_one_message(client, make, db, credentials):
    user = make.user("nurse")
    state = everything(db)
    response = client.post(f"{API}/auth/tokens",
                           json={"email": user.email, "password": PASSWORD, **credentials})
    assert response.status_code == 401
    assert response.json["message"] == "Email or password is not correct."
    assert everything(db) == state


def test_inactive_user_can_neither_sign_in_nor_use_a_token(client, make, db):
    user = make.user("nurse")
    headers = make.auth_headers(user=user)
    user.active = False
    db.add(user)
    db.commit()
    assert sign_in(client, user.email).status_code == 401
    assert client.get(f"{API}/users/me", headers=headers).status_code == 401


def test_token_expires_after_token_ttl_hours(app, client, make):
    user = make.user("nurse")
    ttl = timedelta(hours=app.config["TOKEN_TTL_HOURS"])
    issued = datetime(2025, 4, 1, 8, 0, tzinfo=timezone.utc)
    with freeze_time(issued) as clock:
        response = sign_in(client, user.email)
        token = response.json["token"]
        assert response.json["expires_at"] == (issued + ttl).isoformat().replace("+00:00", "Z")
        clock.move_to(issued + ttl - timedelta(seconds=1))
        assert client.get(f"{API}/users/me", headers=bearer(token)).status_code == 200
        clock.move_to(issued + ttl)
        expired = client.get(f"{API}/users/me", headers=bearer(token))
        assert expired.status_code == 401
        assert expired.json["message"] == "A valid bearer token is required."


def test_revoked_token_is_a_401_and_other_tokens_live_on(client, make, db):
    user = make.user("front_desk")
    kept = sign_in(client, user.email).json["token"]
    revoked = sign_in(client, user.email).json["token"]
    response = client.delete(f"{API}/auth/tokens/current", headers=bearer(revoked))
    assert response.status_code == 204
    assert client.get(f"{API}/users/me", headers=bearer(revoked)).status_code == 401
    assert client.delete(f"{API}/auth/tokens/current", headers=bearer(revoked)).status_code == 401
    assert client.get(f"{API}/users/me", headers=bearer(kept)).status_code == 200
    digest = hashlib.sha256(revoked.encode()).hexdigest()
    [stored] = rows(db, select(ApiToken).where(ApiToken.token_hash == digest))
    assert stored.revoked_at is not None


def test_list_users_for_admins(client, auth, make):
    nurse = make.user("nurse")
    listed = client.get(f"{API}/users", headers=auth("admin"))
    assert listed.status_code == 200
    assert nurse.email in {u["email"] for u in listed.json}
    assert all("password_hash" not in u for u in listed.json)
