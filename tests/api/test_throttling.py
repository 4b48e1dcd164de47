"""Failed logins are throttled per account and per client address, on the API and the form."""
import uuid

import pytest
import redis
from freezegun import freeze_time

from spravato_ops.clock import utcnow

from ..factories import PASSWORD

API_LOGIN = "/api/v1/auth/tokens"
PER_ACCOUNT, PER_ADDRESS = 2, 3
THROTTLED = {"RATELIMIT_ENABLED": True,
             "LOGIN_FAILURES_PER_ACCOUNT": f"{PER_ACCOUNT} per minute",
             "LOGIN_FAILURES_PER_ADDRESS": f"{PER_ADDRESS} per minute"}
REDIS_URL = "redis://127.0.0.1:6379"


@pytest.fixture
def app_settings():
    return THROTTLED


def api_login(client, email, password="wrong password", address="127.0.0.1"):
    return client.post(API_LOGIN, json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def form_login(client, email, password="wrong password"):
    return client.post("/login", data={"email": email, "password": password})


def assert_throttled_json(response):
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    body = response.get_json()
    assert (body["code"], body["status"]) == (429, "TooManyRequests")
    assert "Too many failed logins" in body["message"]


def test_fifty_wrong_passwords_lock_the_account_and_then_the_right_one_waits(client, make):
    user = make.user("nurse")
    with freeze_time(utcnow()) as clock:
        statuses = [api_login(client, user.email).status_code for _ in range(50)]
        assert statuses == [401] * PER_ACCOUNT + [429] * (50 - PER_ACCOUNT)
        assert_throttled_json(api_login(client, user.email, PASSWORD))
        clock.tick(61)
        assert api_login(client, user.email, PASSWORD).status_code == 201


def test_the_lockout_lasts_until_the_oldest_failure_leaves_the_window(client, make):
    user = make.user("nurse")
    with freeze_time(utcnow()) as clock:
        assert api_login(client, user.email).status_code == 401
        clock.tick(20)
        assert api_login(client, user.email).status_code == 401
        clock.tick(39)  # 59 s after the first failure
        assert_throttled_json(api_login(client, user.email, PASSWORD))
        clock.tick(2)
        assert api_login(client, user.email, PASSWORD).status_code == 201
        assert api_login(client, user.email).status_code == 401  # two failures in the window
        assert api_login(client, user.email).status_code == 429


def test_an_account_is_locked_whatever_address_the_failures_come_from(client, make):
    user, other = make.user("nurse"), make.user("nurse")
    for n in range(PER_ACCOUNT):
        assert api_login(client, user.email, address=f"10.0.0.{n + 1}").status_code == 401
    assert_throttled_json(api_login(client, user.email, PASSWORD, address="10.0.1.1"))
    assert api_login(client, other.email, PASSWORD, address="10.0.1.1").status_code == 201


def test_an_address_is_locked_after_failures_on_many_accounts(client, make):
    users = [make.user("nurse") for _ in range(PER_ADDRESS + 1)]
    for user in users[:PER_ADDRESS]:
        assert api_login(client, user.email, address="10.0.0.9").status_code == 401
    last = users[PER_ADDRESS]
    assert_throttled_json(api_login(client, last.email, PASSWORD, address="10.0.0.9"))
    assert api_login(client, last.email, PASSWORD, address="10.0.0.10").status_code == 201


def test_the_account_key_ignores_case_and_spaces(client, make):
    user = make.user("nurse")
    assert api_login(client, user.email.upper()).status_code == 401
    assert form_login(client, f"  {user.email.title()} ").status_code == 401
    assert api_login(client, user.email, PASSWORD).status_code == 429


def test_successful_logins_do_not_count(client, make):
    user = make.user("nurse")
    statuses = [api_login(client, user.email, PASSWORD).status_code
                for _ in range(PER_ADDRESS + 1)]
    assert statuses == [201] * (PER_ADDRESS + 1)


def test_the_form_and_the_api_share_the_account_limit(client, make):
    user = make.user("nurse")
    assert form_login(client, user.email).status_code == 401
    assert api_login(client, user.email).status_code == 401
    assert_throttled_json(api_login(client, user.email, PASSWORD))
    page = form_login(client, user.email, PASSWORD)
    assert page.status_code == 429 and page.mimetype == "text/html"
    assert int(page.headers["Retry-After"]) > 0
    assert "Too many failed logins" in page.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # the form itself still shows


@pytest.mark.parametrize("app_settings", [{**THROTTLED, "RATELIMIT_ENABLED": False}])
def test_no_lockout_when_disabled(client, make):
    user = make.user("nurse")
    for _ in range(PER_ACCOUNT + 1):
        assert api_login(client, user.email).status_code == 401
    assert api_login(client, user.email, PASSWORD).status_code == 201


REDIS_PREFIX = f"spravato-ops-test-{uuid.uuid4().hex}"


@pytest.fixture
def redis_keys():
    """The keys this module's limiter writes to the shared Redis, removed afterwards."""
    connection = redis.Redis.from_url(REDIS_URL)
    pattern = f"LIMITS:LIMITER/{REDIS_PREFIX}/*"
    yield lambda: sorted(key.decode() for key in connection.scan_iter(match=pattern))
    for key in connection.scan_iter(match=pattern):
        connection.delete(key)
    connection.close()


@pytest.mark.parametrize("app_settings", [{**THROTTLED, "RATELIMIT_STORAGE_URI": REDIS_URL,
                                           "RATELIMIT_KEY_PREFIX": REDIS_PREFIX}])
def test_failures_are_counted_in_redis(client, make, redis_keys):
    user = make.user("nurse")
    for _ in range(PER_ACCOUNT):
        assert api_login(client, user.email).status_code == 401
    assert_throttled_json(api_login(client, user.email, PASSWORD))
    keys = redis_keys()
    assert any(f"/{user.email}/login-account/" in key for key in keys)
    assert any("/127.0.0.1/login-address/" in key for key in keys)


@pytest.mark.parametrize("app_settings", [{**THROTTLED,
                                           "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1"}])
def test_logins_go_on_and_stay_throttled_when_the_storage_is_down(client, make):
    user = make.user("nurse")
    assert api_login(client, user.email, PASSWORD).status_code == 201
    for _ in range(PER_ACCOUNT):
        assert api_login(client, user.email).status_code == 401
    assert api_login(client, user.email, PASSWORD).status_code == 429


def test_the_openapi_document_names_the_429(client):
    answers = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/auth/tokens"]
    too_many = answers["post"]["responses"]["429"]
    assert "Retry-After" in too_many["headers"]


def test_wrong_current_passwords_count_as_failed_logins_of_the_account(client, make):
    """A stolen session cannot try passwords through POST /users/me/password either."""
    user = make.user("nurse")
    token = make.token(user)

    def change(current):
        return client.post("/api/v1/users/me/password",
                           headers={"Authorization": f"Bearer {token}"},
                           json={"current_password": current,
                                 "new_password": "harbour-otter-violet-27"})

    with freeze_time(utcnow()) as clock:
        assert [change("wrong one").status_code for _ in range(PER_ACCOUNT)] == [422] * 2
        assert change(PASSWORD).status_code == 429
        assert api_login(client, user.email, PASSWORD).status_code == 429  # the same account
        clock.tick(61)
        assert change(PASSWORD).status_code == 200
