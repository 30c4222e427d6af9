"""Keys made by a real djangorestframework-api-key install, exported for
`keywarden key import` with the SQLite recipe of docs/moving.md.

    python make_keys.py WORKDIR DOCS_MOVING_MD

Run by scripts/drf-check in its virtual environment (Django,
djangorestframework, djangorestframework-api-key). In WORKDIR it writes:

- drf.sqlite3: the Django project's database (settings made in code);
- drf.jsonl: the import file, from the SQL block of docs/moving.md that
  starts with "-- SQLite" (read from the doc, so the doc and this check
  cannot drift apart);
- keys.json (0600): each key's text as drf-api-key handed it out, its
  prefix, hashed_key and whether it is revoked or expires. The texts never
  go to standard output.

Five keys: three plain ones (one named with a quote and a backslash),
one revoked, one expiring in 30 days. Each is
checked with the package's own APIKey.objects.is_valid / get_from_key
before it is exported. Exits non-zero with a message on any surprise.
"""

import datetime
import hashlib
import json
import os
import re
import sqlite3
import sys
from importlib.metadata import version

import django
from django.conf import settings
from django.core.management import call_command


def fail(message):
    print(f"make_keys.py: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def sqlite_recipe(doc_path):
    """The SQL block of the drf-api-key recipe that starts with '-- SQLite'."""
    text = open(doc_path, encoding="utf-8").read()
    start = text.find("### drf-api-key")
    if start < 0:
        fail(f"{doc_path} has no '### drf-api-key' section")
    section = text[start:]
    end = section.find("\n### ", 1)
    section = section if end < 0 else section[:end]
    for block in re.findall(r"```sql\n(.*?)```", section, re.S):
        if block.lstrip().startswith("-- SQLite"):
            return block
    fail(f"the drf-api-key section of {doc_path} has no ```sql block starting with '-- SQLite'")


def main():
    if len(sys.argv) != 3:
        fail("usage: make_keys.py WORKDIR DOCS_MOVING_MD")
    work, doc = sys.argv[1], sys.argv[2]
    db_path = os.path.join(work, "drf.sqlite3")
    settings.configure(
        DEBUG=False,
        SECRET_KEY="drf-check-not-a-secret",
        USE_TZ=True,
        TIME_ZONE="UTC",
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "rest_framework_api_key",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db_path}},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()
    call_command("migrate", verbosity=0)

    from django.utils import timezone
    from rest_framework_api_key.models import APIKey

    expiry = (timezone.now() + datetime.timedelta(days=30)).replace(microsecond=0)
    made = []
    for i in range(1, 6):
        extra = {}
        if i == 4:
            extra["revoked"] = True
        if i == 5:
            extra["expiry_date"] = expiry
        # One name that JSON must escape (a quote and a backslash).
        name = f"drf-check key {i}" if i != 2 else 'drf-check key 2 "quoted" \\ back'
        obj, key = APIKey.objects.create_key(name=name, **extra)
        made.append((obj, key))

    # The package's own view of its keys.
    for obj, key in made:
        obj.refresh_from_db()
        prefix, dot, secret = key.partition(".")
        if not (dot and prefix == obj.prefix and secret):
            fail(f"key {obj.name}: not <prefix>.<secret> with the row's prefix")
        want = "sha512$$" + hashlib.sha512(key.encode()).hexdigest()
        if obj.hashed_key != want:
            fail(f"key {obj.name}: hashed_key is {obj.hashed_key[:20]}..., not sha512$$<hex of SHA-512(key)>")
        if obj.id != f"{obj.prefix}.{obj.hashed_key}":
            fail(f"key {obj.name}: id is not <prefix>.<hashed_key>")
        valid = APIKey.objects.is_valid(key)
        if obj.revoked:
            if valid:
                fail(f"drf says revoked key {obj.name} is valid")
            try:
                APIKey.objects.get_from_key(key)
                fail(f"drf's get_from_key found revoked key {obj.name}")
            except APIKey.DoesNotExist:
                pass
        else:
            if not valid:
                fail(f"drf says its own key {obj.name} is not valid")
            if APIKey.objects.get_from_key(key).pk != obj.pk:
                fail(f"drf's get_from_key found another row for {obj.name}")
        if APIKey.objects.is_valid(f"{prefix}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"):
            fail(f"drf accepts a wrong secret for {obj.name}")

    # The export, with the doc's SQL, on the database Django wrote.
    sql = sqlite_recipe(doc)
    con = sqlite3.connect(db_path)
    try:
        rows = con.execute(sql).fetchall()
    except sqlite3.Error as e:
        fail(f"the doc's SQLite recipe fails on the real drf-api-key schema: {e}")
    finally:
        con.close()
    lines = []
    for row in rows:
        if len(row) != 1:
            fail(f"the doc's SQLite recipe gives {len(row)} columns a row, not 1")
        json.loads(row[0])  # each line is one JSON object
        lines.append(row[0])
    with open(os.path.join(work, "drf.jsonl"), "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))

    out = os.path.join(work, "keys.json")
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(
            [
                {
                    "key": key,
                    "prefix": obj.prefix,
                    "name": obj.name,
                    "hashed_key": obj.hashed_key,
                    "revoked": obj.revoked,
                    "expires_at": obj.expiry_date.strftime("%Y-%m-%dT%H:%M:%SZ") if obj.expiry_date else None,
                }
                for obj, key in made
            ],
            f,
        )
    sample = made[0][0].hashed_key
    print(
        f"drf-api-key {version('djangorestframework-api-key')} (Django {version('Django')}): "
        f"made {len(made)} keys, each valid in drf but the revoked one; "
        f"hashed_key format {sample[:8]}<{len(sample) - 8} hex>; "
        f"the doc's SQLite recipe exported {len(lines)} lines"
    )


if __name__ == "__main__":
    main()
