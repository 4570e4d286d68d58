"""Settings come from the environment and fail loudly, naming the variable."""

import pytest

from tests.helpers import run_manage, run_python

SETUP = "import django; django.setup(); from django.conf import settings;"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root@localhost/essplan",
        "not a url",
        "postgresql://postgres@localhost:notaport/x",
        "postgresql://postgres@localhost",
    ],
)
def test_malformed_database_url_fails_naming_the_variable(url):
    result = run_python(SETUP, DATABASE_URL=url)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "vrai", "2"])
def test_malformed_debug_fails_naming_the_variable(value):
    result = run_python(SETUP, DEBUG=value)
    assert result.returncode != 0
    assert f"DEBUG={value!r} is not a boolean" in result.stderr


def test_missing_secret_key_in_production_fails():
    result = run_python(SETUP, SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_is_parsed():
    result = run_python(
        SETUP + "d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'], d['USER'])",
        DATABASE_URL="postgresql://essplan:secret@db.internal:5433/essplan_prod",
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "5433",
        "essplan_prod",
        "essplan",
    ], result.stderr


def test_without_database_url_the_embedded_server_is_used():
    result = run_python(SETUP + "print(settings.DATABASES['default']['ENGINE'])")
    assert result.stdout.strip() == "essplan.pgembedded", result.stderr


def test_french_language_and_paris_time_zone():
    result = run_python(SETUP + "print(settings.LANGUAGE_CODE, settings.TIME_ZONE)")
    assert result.stdout.split() == ["fr", "Europe/Paris"], result.stderr


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_cache_and_file_storage_for_several_servers_come_from_the_environment():
    shown = (
        "c = settings.CACHES['default']; s = settings.STORAGES['default'];"
        "print(c['BACKEND'], c.get('LOCATION'), s['BACKEND'],"
        "s.get('OPTIONS', {}).get('bucket_name'), s.get('OPTIONS', {}).get('endpoint_url'))"
    )
    alone = run_python(SETUP + shown, CACHE_URL="", S3_BUCKET="")
    assert alone.stdout.split() == [
        "essplan.boundedcache.BoundedLocMemCache",
        "default",
        "django.core.files.storage.FileSystemStorage",
        "None",
        "None",
    ], alone.stderr
    shared = run_python(
        SETUP + shown,
        CACHE_URL="redis://cache.internal:6379/1",
        S3_BUCKET="essplan-fichiers",
        S3_ENDPOINT_URL="https://s3.fr-par.example",
    )
    assert shared.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.internal:6379/1",
        "storages.backends.s3.S3Storage",
        "essplan-fichiers",
        "https://s3.fr-par.example",
    ], shared.stderr


def test_each_parallel_test_worker_empties_a_redis_database_of_its_own():
    shown = "print(settings.CACHES['default']['LOCATION'])"
    url = "redis://127.0.0.1:6379/3"
    assert run_python(SETUP + shown, CACHE_URL=url).stdout.split() == [url]
    # pytest-xdist's third worker: database 3 + 2.
    worker = run_python(SETUP + shown, CACHE_URL=url, PYTEST_XDIST_WORKER="gw2")
    assert worker.stdout.split() == ["redis://127.0.0.1:6379/5"], worker.stderr


def test_a_cache_url_that_is_not_redis_fails_naming_the_variable():
    result = run_python(SETUP, CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL must be a Redis URL" in result.stderr
