"""schemathesis hooks of scripts/contract (tests/contract/schemathesis.toml).

One check, `refused_by`: a 422 (or 400) to a request the document allows is expected
only where the server refuses it by a rule JSON Schema cannot state, and
then only with that rule's error code. Each operation names its codes in
schemathesis.toml (`checks.refused_by.codes`), with the reason; an
operation that names none may not answer such a request 422 at all (the
built-in `positive_data_acceptance` check says so first).
"""

import schemathesis


@schemathesis.check
def refused_by(ctx, response, case):
    """A 422 or 400 to schema-valid data carries a code its operation allows."""
    meta = case.meta
    if response.status_code not in (400, 422) or meta is None or not meta.generation.mode.is_positive:
        return None
    if case.method.upper() == "HEAD":
        # No body to read the code from: its GET twin is judged.
        return None
    allowed = ctx.config.custom_kwargs.get("refused_by", {}).get("codes", [])
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = None
    if code not in allowed:
        raise AssertionError(
            f"Schema-valid data refused with {code!r}: this operation may refuse valid data only by "
            f"a rule JSON Schema cannot state ({', '.join(allowed) or 'none'})"
        )
    return None
