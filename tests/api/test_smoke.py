"""The foundation answers: tokens, sites, patients, errors."""


def test_token_then_me(client, make):
    user = make.user("admin")
    response = client.post("/api/v1/auth/tokens",
                           json={"email": user.email, "password": "correct horse battery"})
    assert response.status_code == 201, response.json
    token = response.json["token"]
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json["role"] == "admin"


def test_create_site_and_policy(client, auth):
    headers = auth("admin")
    response = client.post("/api/v1/sites", headers=headers, json={
        "name": "Downtown", "timezone": "America/New_York", "setting_type": "outpatient",
        "rems_certification_id": "C1", "rems_certified_until": "2030-01-01"})
    assert response.status_code == 201, response.json
    site_id = response.json["id"]
    policy = client.get(f"/api/v1/sites/{site_id}/policy", headers=headers)
    assert policy.status_code == 200
    assert policy.json["bp_elevated"] == {"systolic": 140, "diastolic": 90}
    bad = client.put(f"/api/v1/sites/{site_id}/policy", headers=headers,
                     json={"bp_hold": {"systolic": 130, "diastolic": 80}})
    assert bad.status_code == 422
    assert "bp_hold" in bad.json["errors"]
