"""docker-compose.yml wires the production services: it parses and says what it must."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose__defines_every_production_service_with_healthchecks():
    services = load_compose()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_compose__app_services_use_real_servers_and_wait_for_them():
    services = load_compose()["services"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        environment = service["environment"]
        assert environment["DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in environment["DATABASE_URL"]
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["DJANGO_SETTINGS_MODULE"] == "hubportal.settings.production"
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert services["beat"]["deploy"]["replicas"] == 1  # beat must never run twice


def test_compose__data_lives_in_named_volumes():
    compose = load_compose()
    assert {"postgres-data", "redis-data", "media"} <= set(compose["volumes"])
    assert any(v.startswith("postgres-data:") for v in compose["services"]["postgres"]["volumes"])


def test_env_example__documents_every_variable_the_settings_read():
    settings_source = (ROOT / "hubportal" / "settings" / "base.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "no variables found in the settings"
    assert read <= documented, f"undocumented: {sorted(read - documented)}"
