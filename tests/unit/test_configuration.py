"""Configuration from the environment: databases derived from one server URL, TLS
and pool options passed through, and bad values stopping start-up by name."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.databases import database_config, databases
from tests.processes import clean_environment, run_django

DOMAIN_ALIASES = ("identity", "learning", "reputation", "passport", "governance", "marketplace")


@pytest.fixture
def environment(monkeypatch):
    for name in (
        "DATABASE_SERVER_URL",
        "DATABASE_NAME_PREFIX",
        "DATABASE_SSLMODE",
        "DATABASE_SSLROOTCERT",
        "DATABASE_POOL",
        "DATABASE_POOL_MIN_SIZE",
        "DATABASE_POOL_MAX_SIZE",
    ):
        monkeypatch.delenv(name, raising=False)
    for alias in ("default", *DOMAIN_ALIASES):
        monkeypatch.delenv(f"DATABASE_URL_{alias.upper()}", raising=False)
    return monkeypatch


def test_one_server_url_gives_one_database_per_alias(environment, tmp_path):
    environment.setenv("DATABASE_SERVER_URL", "postgres://app:pw@db.internal:5433")
    config = databases(("default", *DOMAIN_ALIASES), service="all", data_dir=tmp_path)
    assert {alias: c["NAME"] for alias, c in config.items()} == {
        alias: f"platform_{alias}" for alias in ("default", *DOMAIN_ALIASES)
    }
    assert {c["HOST"] for c in config.values()} == {"db.internal"}
    assert {c["PORT"] for c in config.values()} == {5433}


def test_an_alias_url_overrides_the_server_url(environment, tmp_path):
    environment.setenv("DATABASE_SERVER_URL", "postgres://app@shared:5432")
    environment.setenv("DATABASE_URL_LEARNING", "postgres://lrs@lrs-db:5432/lrs")
    config = database_config("learning", service="all", data_dir=tmp_path)
    assert (config["HOST"], config["NAME"], config["USER"]) == ("lrs-db", "lrs", "lrs")


def test_postgres_gets_pool_health_checks_and_tls(environment, tmp_path):
    cert = tmp_path / "root.crt"
    cert.write_text("-----BEGIN CERTIFICATE-----\n")
    environment.setenv("DATABASE_SERVER_URL", "postgres://app@db:5432")
    environment.setenv("DATABASE_SSLMODE", "verify-full")
    environment.setenv("DATABASE_SSLROOTCERT", str(cert))
    config = database_config("marketplace", service="marketplace", data_dir=tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["OPTIONS"]["sslmode"] == "verify-full"
    assert config["OPTIONS"]["sslrootcert"] == str(cert)
    assert config["OPTIONS"]["pool"]["max_size"] == 10
    assert config["OPTIONS"]["application_name"] == "platform-marketplace"
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["CONN_MAX_AGE"] == 0


def test_without_urls_each_alias_is_its_own_sqlite_file(environment, tmp_path):
    config = databases(("default", "learning"), service="all", data_dir=tmp_path / "db")
    assert config["learning"]["NAME"] == str(tmp_path / "db" / "learning.sqlite3")
    assert config["default"]["NAME"] == str(tmp_path / "db" / "default.sqlite3")
    assert (tmp_path / "db").is_dir()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_SSLMODE", "sometimes"),
        ("DATABASE_POOL_MAX_SIZE", "lots"),
        ("DATABASE_URL_LEARNING", "mysql://root@db/lrs"),
        ("DATABASE_SERVER_URL", "not a url"),
        ("DATABASE_SSLROOTCERT", "/nonexistent/root.crt"),
    ],
)
def test_bad_database_settings_name_the_variable(environment, tmp_path, variable, value):
    if variable != "DATABASE_SERVER_URL":
        environment.setenv("DATABASE_SERVER_URL", "postgres://app@db:5432")
    environment.setenv(variable, value)
    with pytest.raises(ImproperlyConfigured, match=variable):
        database_config("learning", service="all", data_dir=tmp_path)


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "change-me"}, "SECRET_KEY"),
        ({"DEBUG": "ture"}, "DEBUG"),
        ({"SERVICE": "billing"}, "SERVICE"),
        ({"DATABASE_POOL": "maybe", "DATABASE_SERVER_URL": "postgres://a@b:5432"}, "DATABASE_POOL"),
    ],
)
def test_start_up_fails_fast_naming_the_variable(overrides, variable, tmp_path):
    env = clean_environment(**{"DATA_DIR": str(tmp_path), **overrides})
    result = run_django("print('started')", env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured")
    assert variable in last_line


def test_debug_may_run_without_a_secret_key(tmp_path):
    result = run_django(
        "print('started')", clean_environment(DATA_DIR=str(tmp_path), DEBUG="true", SECRET_KEY="")
    )
    assert result.returncode == 0, result.stderr
