"""The generated client drives a key's life against a running keywarden.

    KEYWARDEN_URL=http://127.0.0.1:8080 KEYWARDEN_TOKEN=kw_root_... \
        python test_lifecycle.py

create -> list -> verify -> roll -> revoke -> usage, each answer checked.
scripts/contract runs it against a fresh server.
"""

import os
import sys

from keywarden_client import AuthenticatedClient
from keywarden_client.api.keys import create_key, key_usage, list_keys, revoke_key, roll_key
from keywarden_client.api.verify import verify
from keywarden_client.models import (
    Bucket,
    CreateKeyRequest,
    CreatedKey,
    KeyList,
    KeyStatus,
    KeyView,
    OutcomeCode,
    RevokeRequest,
    RolledKey,
    RollRequest,
    UsageResponse,
    VerifyRequest,
    VerifyResponse,
)


def check(condition: bool, what: str) -> None:
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def main() -> None:
    client = AuthenticatedClient(base_url=os.environ["KEYWARDEN_URL"], token=os.environ["KEYWARDEN_TOKEN"])
    with client:
        created = create_key.sync(
            client=client,
            body=CreateKeyRequest(environment="live", owner="acme-py", scopes=["orders:read"], name="python client"),
        )
        check(isinstance(created, CreatedKey), f"create: {created!r}")
        check(created.key.startswith("kw_live_"), "create: the key is shown once")
        check(created.status == KeyStatus.ACTIVE, "create: active")

        page = list_keys.sync(client=client, owner="acme-py")
        check(isinstance(page, KeyList), f"list: {page!r}")
        check([k.id for k in page.keys] == [created.id], "list: the new key, and only it")

        verdict = verify.sync(client=client, body=VerifyRequest(key=created.key, scopes=["orders:read"]))
        check(isinstance(verdict, VerifyResponse), f"verify: {verdict!r}")
        check(verdict.valid and verdict.code == OutcomeCode.VALID, f"verify: {verdict.code}")
        check(verdict.key_id == created.id, "verify: names the key")
        denied = verify.sync(client=client, body=VerifyRequest(key=created.key, scopes=["orders:write"]))
        check(denied.code == OutcomeCode.INSUFFICIENT_SCOPE, f"verify: scope refused, got {denied.code}")

        rolled = roll_key.sync(created.id, client=client, body=RollRequest(grace_period="0s"))
        check(isinstance(rolled, RolledKey), f"roll: {rolled!r}")
        check(rolled.key != created.key and rolled.rotated_from == created.id, "roll: a new key replaces the old")
        old = verify.sync(client=client, body=VerifyRequest(key=created.key))
        check(not old.valid, f"roll: the old key stops at once with grace 0s, got {old.code}")

        revoked = revoke_key.sync(rolled.id, client=client, body=RevokeRequest(reason="python lifecycle"))
        check(isinstance(revoked, KeyView), f"revoke: {revoked!r}")
        check(revoked.status == KeyStatus.REVOKED and revoked.revoke_reason == "python lifecycle", "revoke: revoked")
        after = verify.sync(client=client, body=VerifyRequest(key=rolled.key))
        check(after.code == OutcomeCode.REVOKED, f"revoke: verify says REVOKED, got {after.code}")

        usage = key_usage.sync(created.id, client=client, bucket=Bucket.MINUTE)
        check(isinstance(usage, UsageResponse), f"usage: {usage!r}")
        check(usage.key_id == created.id and usage.bucket == Bucket.MINUTE, "usage: the key, by minute")
    print("python client: create, list, verify, roll, revoke, usage: ok")


if __name__ == "__main__":
    main()
