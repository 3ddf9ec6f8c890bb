"""The personal-data inventory: complete for every model, real, and the same as README's table."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import models

from parkparty.core import personal_data
from parkparty.core.masking import mask_date, mask_email
from parkparty.core.throttle import SearchThrottled, check_search_rate
from parkparty.core.validators import validate_resident_id

ROOT = Path(django_settings.BASE_DIR)
README = ROOT / "README.md"


def project_models():
    """Every model of this project's own apps, without django-simple-history's copies."""
    for config in apps.get_app_configs():
        if not Path(config.path).resolve().is_relative_to(ROOT) or ".venv" in Path(config.path).parts:
            continue
        for model in config.get_models():
            if getattr(model, "instance_type", None) is None:
                yield model


def test_every_field_that_looks_personal_is_in_the_inventory():
    missing = []
    for model in project_models():
        label = model._meta.label
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) and not field.many_to_many:
                continue
            if not personal_data.looks_personal(field):
                continue
            known = personal_data.INVENTORY.get(label, {}).keys() | personal_data.NOT_PERSONAL.get(label, {}).keys()
            if field.name not in known:
                missing.append(f"{label}.{field.name}")
    assert not missing, (
        "Personal-looking fields missing from parkparty/personal_data.py (INVENTORY, or NOT_PERSONAL with a "
        f"reason), then regenerate README's table: {missing}"
    )


def test_the_guard_recognises_personal_fields_by_name_type_and_validator():
    def field(cls, name, **kwargs):
        made = cls(**kwargs)
        made.set_attributes_from_name(name)
        return made

    looks = personal_data.looks_personal
    assert looks(field(models.CharField, "emergency_mobile", max_length=20))
    assert looks(field(models.CharField, "home_address", max_length=200))
    assert looks(field(models.DateField, "date_of_birth"))
    assert looks(field(models.CharField, "contact_tel", max_length=20))
    assert looks(field(models.CharField, "spouse_id_number", max_length=18))
    assert looks(field(models.CharField, "login_ip", max_length=40))
    assert looks(field(models.EmailField, "reply_to"))
    assert looks(field(models.GenericIPAddressField, "source"))
    assert looks(field(models.CharField, "code", max_length=18, validators=[validate_resident_id]))
    for harmless in ("title", "name", "kind", "description", "telling", "multiple"):
        assert not looks(field(models.CharField, harmless, max_length=10)), harmless


def test_every_inventory_entry_names_a_real_field_or_attribute():
    for label, fields in personal_data.INVENTORY.items():
        model = apps.get_model(label)
        for name, item in fields.items():
            if item.derived:
                assert isinstance(getattr(model, name, None), property), f"{label}.{name}"
            else:
                assert model._meta.get_field(name).concrete, f"{label}.{name}"
            assert item.holds and item.purpose and item.full and item.masked, f"{label}.{name}"
            assert item.mask in ("", "id", "phone", "email", "date"), f"{label}.{name}"
    for label, fields in personal_data.NOT_PERSONAL.items():
        model = apps.get_model(label)
        for name, reason in fields.items():
            assert model._meta.get_field(name) and reason, f"{label}.{name}"
            assert name not in personal_data.INVENTORY.get(label, {}), f"{label}.{name} is listed twice"


def test_id_numbers_and_phones_are_masked_everywhere_they_are_kept():
    """Every field that holds an ID number or a phone has a mask (names and attributes may be shown)."""
    for model in project_models():
        for field in model._meta.concrete_fields:
            if re.search(r"id_number|phone|mobile", field.name):
                found = personal_data.entry(model, field.name)
                assert found is not None and found.mask, f"{model._meta.label}.{field.name}"


def test_readme_table_is_the_inventory():
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- personal-data:start -->\n(.*?)\n<!-- personal-data:end -->", text, re.S)
    assert match, "README.md lacks the personal-data table markers"
    assert match.group(1).strip() == personal_data.markdown_table(), (
        "README.md's personal-data table differs from parkparty/personal_data.py; replace it with the output of "
        '.venv/bin/python manage.py shell --no-imports -c "from parkparty.core.personal_data import markdown_table; '
        'print(markdown_table())"'
    )


def test_mask_lookup_follows_relations_and_history():
    from members.models import Member

    assert personal_data.mask_for(Member, "id_number") == "id"
    assert personal_data.mask_for(Member, "organization.contact_phone") == "phone"
    assert personal_data.mask_for(Member, "organization__contact_phone") == "phone"
    assert personal_data.mask_for(Member, "enterprise__investor_phone") == "phone"
    assert personal_data.mask_for(Member, "name") == ""
    assert personal_data.mask_for(Member, "birth_date") == "date"
    assert personal_data.mask_for(Member.history.model, "phone") == "phone"
    assert personal_data.mask_for(Member, "notes__x") == ""


def test_other_masks():
    assert mask_email("zhang.san@example.com") == "z***@example.com"
    assert mask_email("no-at-sign") == "***"
    assert mask_date("1990-01-01") == "****-**-**"


# --- the search limit on a shared cache ------------------------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/14"


def redis_or_skip() -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")


def test_the_search_limit_holds_across_processes_through_a_shared_redis_cache(settings):
    """Two workers (this process and another) share one count when DJANGO_CACHE_URL names a Redis."""
    redis_or_skip()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    settings.PARKPARTY_SEARCH_LIMIT = 3
    settings.PARKPARTY_SEARCH_WINDOW = 60
    user = SimpleNamespace(pk=f"test-{uuid.uuid4().hex}")
    from django.core.cache import cache

    try:
        check_search_rate(user)
        check_search_rate(user)
        other_worker = (
            "import django; django.setup()\n"
            "from types import SimpleNamespace\n"
            "from parkparty.core.throttle import SearchThrottled, check_search_rate\n"
            f"user = SimpleNamespace(pk={user.pk!r})\n"
            "check_search_rate(user)\n"
            "try:\n    check_search_rate(user)\nexcept SearchThrottled:\n    print('throttled')\n"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "parkparty.settings",
            "DJANGO_CACHE_URL": REDIS_URL,
            "PARKPARTY_SEARCH_LIMIT": "3",
        }
        done = subprocess.run(  # noqa: S603 — our own interpreter and script
            [sys.executable, "-c", other_worker], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "throttled"  # its 1st search was the 3rd of the user's
        with pytest.raises(SearchThrottled):
            check_search_rate(user)
    finally:
        cache.delete_many([f"parkparty:search:{user.pk}", f"parkparty:search:{user.pk}:started"])


def test_a_cache_url_that_is_not_redis_stops_start_up():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parkparty.settings", "DJANGO_CACHE_URL": "memcached://x"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "DJANGO_CACHE_URL" in done.stderr
