import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "portal.example.org",
    "SITE_URL": "https://portal.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/dscp",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.org:587",
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_stops_with_one_line_naming_it():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "dscp: the environment variable SECRET_KEY must be set when DEBUG is off."
    ]


def test_production_without_a_database_url_names_it():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"}
    result = manage("check", env=env)
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_mail_timeout_over_a_third_of_the_send_lease_stops_start_up():
    """A stuck SMTP step must end while a newsletter batch still holds its lease."""
    env = {**PRODUCTION_ENV, "NEWSLETTER_SEND_LEASE_SECONDS": "60", "EMAIL_TIMEOUT": "21"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "dscp: EMAIL_TIMEOUT must be at most a third of NEWSLETTER_SEND_LEASE_SECONDS."
    ]
    assert manage("check", env={**env, "EMAIL_TIMEOUT": "20"}).returncode == 0
