"""Admins manage staff: the password policy for new users, deactivation and token revocation
that stop a user's bearer tokens and browser sessions at once."""
import pytest
from sqlmodel import select

from spravato_ops.models import AuditEvent
from tests.web.pages import client_log_in

from .test_users import API, NEW_USER, PASSWORD, bearer, sign_in


@pytest.mark.parametrize(("password", "words"), [
    ("short pass", "at least 12 characters"),
    ("1qaz2wsx3edc", "most often found in breaches"),  # on the breached-password list
    ("jordanriverside", "too easy to guess"),  # the user's own name
])
def test_a_new_users_password_follows_the_policy(client, auth, password, words):
    body = {**NEW_USER, "name": "Jordan Riverside", "email": "jordan.riverside@clinic.org",
            "password": password}
    response = client.post(f"{API}/users", headers=auth("admin"), json=body)
    assert response.status_code == 422
    assert any(words in message for message in response.json["errors"]["password"])


def test_a_deactivated_users_token_and_browser_session_stop_at_once(app, client, make, auth):
    admin = auth("admin")
    nurse = make.user("nurse")
    token = make.token(nurse)
    browser = app.test_client()
    client_log_in(browser, nurse)
    assert browser.get("/nurse").status_code == 200
    assert client.get(f"{API}/users/me", headers=bearer(token)).status_code == 200
    answer = client.patch(f"{API}/users/{nurse.id}", headers=admin, json={"active": False})
    assert answer.status_code == 200 and answer.json["active"] is False
    assert client.get(f"{API}/users/me", headers=bearer(token)).status_code == 401
    assert browser.get("/nurse").headers["Location"].startswith("/login?next=")


def test_revoking_a_users_tokens_ends_every_one_of_them(app, client, make, auth):
    nurse = make.user("nurse")
    tokens = [make.token(nurse), make.token(nurse)]
    browser = app.test_client()
    client_log_in(browser, nurse)
    answer = client.post(f"{API}/users/{nurse.id}/revoke-tokens", headers=auth("admin"))
    assert answer.status_code == 200 and answer.json == {"revoked": 3}  # two and the browser's
    for token in tokens:
        assert client.get(f"{API}/users/me", headers=bearer(token)).status_code == 401
    assert browser.get("/nurse").status_code == 302
    # The user may log in again: only the tokens ended, not the account.
    client_log_in(browser, nurse)
    assert browser.get("/nurse").status_code == 200


def test_an_admin_cannot_deactivate_themselves_and_others_cannot_manage_users(client, make):
    admin = make.user("admin")
    headers = make.auth_headers(user=admin)
    answer = client.patch(f"{API}/users/{admin.id}", headers=headers, json={"active": False})
    assert answer.status_code == 409
    other = make.user("nurse")
    for role in ("nurse", "prescriber", "scheduler", "front_desk"):
        assert client.post(f"{API}/users/{other.id}/revoke-tokens",
                           headers=make.auth_headers(role)).status_code == 403
    assert client.patch(f"{API}/users/999999", headers=headers,
                        json={"name": "X"}).status_code == 404


def test_a_user_changes_their_own_password_and_their_other_sessions_end(app, client, make):
    """POST /users/me/password: the current password first, the policy of new accounts, not
    the same again; the user's other tokens and browser sessions end, the one asking stays."""
    nurse = make.user("nurse", name="Nora Quinn")
    asking, other = make.token(nurse), make.token(nurse)
    browser = app.test_client()
    client_log_in(browser, nurse)
    path = f"{API}/users/me/password"

    def change(current, new):
        return client.post(path, headers=bearer(asking),
                           json={"current_password": current, "new_password": new})

    wrong = change("not it at all", "harbour-otter-violet-27")
    assert wrong.status_code == 422 and "current_password" in wrong.json["errors"]
    weak = change(PASSWORD, "1qaz2wsx3edc")  # on the breached-password list
    assert weak.status_code == 422 and "new_password" in weak.json["errors"]
    same = change(PASSWORD, PASSWORD)
    assert same.status_code == 422 and "new_password" in same.json["errors"]
    assert client.get(f"{API}/users/me", headers=bearer(other)).status_code == 200  # unchanged
    done = change(PASSWORD, "harbour-otter-violet-27")
    assert done.status_code == 200 and done.json == {"other_tokens_ended": 2}  # other + browser
    assert client.get(f"{API}/users/me", headers=bearer(asking)).status_code == 200
    assert client.get(f"{API}/users/me", headers=bearer(other)).status_code == 401
    assert browser.get("/nurse").status_code == 302
    assert sign_in(client, nurse.email, PASSWORD).status_code == 401
    assert sign_in(client, nurse.email, "harbour-otter-violet-27").status_code == 201
    [row] = make.db.exec(select(AuditEvent).where(AuditEvent.action == "password_changed"))
    assert row.actor_id == nurse.id and "harbour" not in str(row.model_dump())


def test_an_admin_sets_a_new_password_for_someone_who_forgot_theirs(app, client, make, auth):
    """PATCH /users/{id} `password`: the policy of new accounts; every session of theirs ends
    (the audit says so, without the password); they log in with the new one."""
    nurse = make.user("nurse", name="Nora Quinn")
    token = make.token(nurse)
    admin = auth("admin")
    weak = client.patch(f"{API}/users/{nurse.id}", headers=admin, json={"password": "short"})
    assert weak.status_code == 422 and "password" in weak.json["errors"]
    assert client.get(f"{API}/users/me", headers=bearer(token)).status_code == 200
    done = client.patch(f"{API}/users/{nurse.id}", headers=admin,
                        json={"password": "harbour-otter-violet-27"})
    assert done.status_code == 200 and "password" not in done.json
    assert client.get(f"{API}/users/me", headers=bearer(token)).status_code == 401
    assert sign_in(client, nurse.email, PASSWORD).status_code == 401
    assert sign_in(client, nurse.email, "harbour-otter-violet-27").status_code == 201
    [row] = make.db.exec(select(AuditEvent).where(AuditEvent.action == "password_reset"))
    assert "harbour" not in str(row.model_dump()) and row.after == {"tokens_ended": 1}
    nurse_headers = make.auth_headers(user=make.user("nurse"))
    assert client.patch(f"{API}/users/{nurse.id}", headers=nurse_headers,
                        json={"password": "harbour-otter-violet-28"}).status_code == 403


def test_moving_a_nurse_to_another_site_takes_effect_on_their_next_request(
        app, client, make, auth, db):
    here, there = make.site(), make.site()
    nurse = make.user("nurse", site=here)
    token = make.token(nurse)
    browser = app.test_client()
    client_log_in(browser, nurse)
    board = f"{API}/board?site_id={{}}"
    assert client.get(board.format(here.id), headers=bearer(token)).status_code == 200
    assert client.get(board.format(there.id), headers=bearer(token)).status_code == 403
    assert browser.get(f"/nurse/alerts?site_id={there.id}").status_code == 403

    answer = client.patch(f"{API}/users/{nurse.id}", headers=auth("admin"),
                          json={"site_ids": [there.id]})
    assert answer.status_code == 200 and answer.json["site_ids"] == [there.id]
    # The same token and browser session, at once: the new site opens, the old one closes.
    assert client.get(board.format(there.id), headers=bearer(token)).status_code == 200
    refused = client.get(board.format(here.id), headers=bearer(token))
    assert refused.status_code == 403 and f"not assigned to site {here.id}" in refused.json[
        "message"]
    assert browser.get(f"/nurse/alerts?site_id={there.id}").status_code == 200
    assert browser.get(f"/nurse/alerts?site_id={here.id}").status_code == 403
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "sites_changed")).one()
    assert (event.entity_id, event.before, event.after) == (
        str(nurse.id), {"site_ids": [here.id]}, {"site_ids": [there.id]})


def test_sites_unchanged_or_unknown_change_nothing(client, make, auth, db):
    here = make.site()
    nurse = make.user("nurse", site=here)
    admin = auth("admin")
    same = client.patch(f"{API}/users/{nurse.id}", headers=admin, json={"site_ids": [here.id]})
    assert same.status_code == 200 and same.json["site_ids"] == [here.id]
    unknown = client.patch(f"{API}/users/{nurse.id}", headers=admin,
                           json={"site_ids": [here.id, 99999], "name": "Renamed"})
    assert unknown.status_code == 422
    assert "99999" in unknown.json["errors"]["site_ids"][0]
    after = client.get(f"{API}/users", headers=admin).json
    mine = next(user for user in after if user["id"] == nurse.id)
    assert mine["site_ids"] == [here.id] and mine["name"] == nurse.name
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "sites_changed")).all() == []
