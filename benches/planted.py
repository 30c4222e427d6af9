#!/usr/bin/env python3
"""A planted-secrets corpus for comparing scanners, and its scorer.

    planted.py generate OUT_DIR MANIFEST [--scale N]
    planted.py score --manifest MANIFEST --tool {keywarden,betterleaks,kingfisher} \
        --root OUT_DIR REPORT.json

`generate` writes a fresh tree (new random secrets every time, from the OS
CSPRNG: `secrets`) of a few hundred true secrets of kinds all three tools
claim to detect, placed in varied file types, plus decoys (about a quarter as
many: documented example keys, placeholders, low-entropy test values, UUIDs
in token fields, hashes next to `sha256`). Categories:

- plain: the secret as written in a source or configuration file;
- base64: the secret's line base64-encoded inside another file;
- k8s: a Kubernetes Secret manifest (base64 `data:` values) or a
  `.dockerconfigjson` (base64 `user:password` auth);
- archive: a file inside a jar inside a zip.

The manifest (JSON) lists every plant: file, line, kind, category, whether it
is a true secret or a decoy, the value, its SHA-256 and the forms it is
written in (the value, its base64 encoding).

`score` reads one tool's JSON report and prints JSON: recall overall, by
category and by kind, decoys flagged, and the misses and false alarms with
their shapes (the value redacted). A planted secret counts as found when the
tool reports a finding in its file (for an archive: in the archive, any inner
path) whose line is the secret's line, or whose reported secret holds the
value or one of its written forms (or is a piece of at least 12 characters of
it); a composite finding's components count as reported (the peers report an
AWS key pair as one finding on the key id's line, the secret key as its
component). A decoy is flagged by the same test.

Standard library only. The secrets are random and not valid anywhere; they
live only in the temporary tree and manifest.
"""

import argparse
import base64
import hashlib
import io
import json
import os
import secrets
import string
import sys
import uuid
import zipfile
import zlib

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"


def rand(alphabet, n):
    return "".join(secrets.choice(alphabet) for _ in range(n))


def mixed(alphabet, n):
    """Random, with at least one digit, one lower and one upper letter where
    the alphabet has them (a scanner's entropy or charset bar never decides)."""
    while True:
        s = rand(alphabet, n)
        need = [set(string.digits), set(string.ascii_lowercase), set(string.ascii_uppercase)]
        if all(not (k & set(alphabet)) or (k & set(s)) for k in need):
            return s


def b62(value, width):
    out = ""
    while value:
        value, r = divmod(value, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


def crc_token(prefix):
    """GitHub's and npm's format: prefix, 30 random base62, CRC-32 of them in
    6 base62 digits."""
    body = mixed(ALNUM, 30)
    return prefix + body + b62(zlib.crc32(body.encode()), 6)


def keywarden_key(prefix="kw", env="live"):
    """KEY-FORMAT.md v1: prefix_env_, 32 random bytes in 43 base62 digits,
    CRC-32 of everything before it in 6."""
    head = f"{prefix}_{env}_" + b62(int.from_bytes(os.urandom(32), "big"), 43)
    return head + b62(zlib.crc32(head.encode()), 6)


# KEY-FORMAT.md's first test vector, through the same code.
_zero = "kw_live_" + b62(0, 43)
assert _zero + b62(zlib.crc32(_zero.encode()), 6) == "kw_live_" + "0" * 44 + "AwA6B"


def pypi_token():
    """A version 2 macaroon as PyPI issues: location pypi.org, an
    identifier, end of section, a caveat section, the 32-byte signature."""
    ident = json.dumps({"version": 1, "permissions": "user"}).encode()
    raw = b"\x02\x01\x08pypi.org\x02" + bytes([len(ident)]) + ident + b"\x00"
    caveat = json.dumps([1, uuid.uuid4().hex]).encode()
    raw += b"\x02" + bytes([len(caveat)]) + caveat + b"\x00"
    raw += b"\x00\x06\x20" + os.urandom(32)
    return "pypi-" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def jwt():
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).decode().rstrip("=")
    header = enc({"alg": "HS256", "typ": "JWT"})
    payload = enc({"sub": uuid.uuid4().hex, "name": "svc-" + rand(string.ascii_lowercase, 6),
                   "iat": 1700000000 + secrets.randbelow(10 ** 7)})
    sig = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    return f"{header}.{payload}.{sig}"


# --- RSA private keys (real structure: scanners that parse PEM accept them) ---

def _probable_prime(bits):
    small = [p for p in range(3, 2000, 2) if all(p % q for q in range(3, int(p ** 0.5) + 1, 2))]
    while True:
        n = secrets.randbits(bits) | (1 << (bits - 1)) | 1
        if any(n % p == 0 for p in small):
            continue
        d, r = n - 1, 0
        while d % 2 == 0:
            d //= 2
            r += 1
        for _ in range(24):
            a = 2 + secrets.randbelow(n - 4)
            x = pow(a, d, n)
            if x in (1, n - 1):
                continue
            for _ in range(r - 1):
                x = pow(x, 2, n)
                if x == n - 1:
                    break
            else:
                break
        else:
            return n


def _der_len(n):
    if n < 128:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _der_int(v):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
    return b"\x02" + _der_len(len(b)) + b


def _der_seq(*parts):
    body = b"".join(parts)
    return b"\x30" + _der_len(len(body)) + body


def rsa_pem(pkcs8, bits=2048):
    e = 65537
    while True:
        p, q = _probable_prime(bits // 2), _probable_prime(bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e:
            break
    n, d = p * q, pow(e, -1, phi)
    pkcs1 = _der_seq(*(_der_int(v) for v in (0, n, e, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p))))
    if pkcs8:
        alg = _der_seq(b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", b"\x05\x00")
        der, label = _der_seq(_der_int(0), alg, b"\x04" + _der_len(len(pkcs1)) + pkcs1), "PRIVATE KEY"
    else:
        der, label = pkcs1, "RSA PRIVATE KEY"
    b64 = base64.b64encode(der).decode()
    body = "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----"


# --- the kinds: (kind, value maker, how the value is written on its line) ---

def aws_secret():
    return mixed(ALNUM + "/+", 40)


def password():
    return mixed(ALNUM, 12) + rand("!#%*+-.=?@^_~", 2) + mixed(ALNUM, 6)


KINDS = {
    # kind: (make value, [line templates: {v} is the value])
    # AWS: the key id and its secret together (the peers' AWS rules are
    # composite: one alone is not reported), written by `aws_lines`.
    "aws": (None, []),
    "github-classic-pat": (lambda: crc_token("ghp_"),
                           ["env:GITHUB_TOKEN={v}", 'code:token = "{v}"', "yaml:    github_token: {v}"]),
    "github-fine-grained-pat": (lambda: "github_pat_" + mixed(ALNUM, 22) + "_" + mixed(ALNUM, 59),
                                ["env:GH_PAT={v}", 'code:headers = {{"Authorization": "token {v}"}}']),
    "gitlab-pat": (lambda: "glpat-" + mixed(URLSAFE, 20), ["env:GITLAB_TOKEN={v}", "yaml:private_token: {v}"]),
    "slack-bot-token": (lambda: f"xoxb-{rand(string.digits, 12)}-{rand(string.digits, 13)}-{mixed(ALNUM, 24)}",
                        ["env:SLACK_BOT_TOKEN={v}", 'code:slack_token = "{v}"']),
    "slack-user-token": (lambda: f"xoxp-{rand(string.digits, 12)}-{rand(string.digits, 12)}-{rand(string.digits, 13)}-{rand('0123456789abcdef', 32)}",
                         ["env:SLACK_USER_TOKEN={v}", 'ini:slack.user_token = "{v}"']),
    "slack-webhook": (lambda: f"https://hooks.slack.com/services/T{rand(string.ascii_uppercase + string.digits, 8)}/B{rand(string.ascii_uppercase + string.digits, 10)}/{mixed(ALNUM, 24)}",
                      ["env:SLACK_WEBHOOK_URL={v}", 'yaml:webhook: "{v}"']),
    "stripe-live-secret": (lambda: "sk_live_" + mixed(ALNUM, 24), ["env:STRIPE_SECRET_KEY={v}", 'code:stripe.api_key = "{v}"']),
    "stripe-restricted": (lambda: "rk_live_" + mixed(ALNUM, 24), ["env:STRIPE_RESTRICTED_KEY={v}", 'code:const stripeKey = "{v}";']),
    "google-api-key": (lambda: "AIza" + mixed(URLSAFE, 35), ["env:GOOGLE_API_KEY={v}", 'code:  apiKey: "{v}",']),
    "openai-api-key": (lambda: "sk-proj-" + mixed(URLSAFE, 74) + "T3BlbkFJ" + mixed(URLSAFE, 74),
                       ["env:OPENAI_API_KEY={v}", 'code:client = OpenAI(api_key="{v}")']),
    "anthropic-api-key": (lambda: "sk-ant-api03-" + mixed(URLSAFE, 93) + "AA",
                          ["env:ANTHROPIC_API_KEY={v}", 'code:client = anthropic.Anthropic(api_key="{v}")']),
    "npm-token": (lambda: crc_token("npm_"), ["npmrc://registry.npmjs.org/:_authToken={v}", "env:NPM_TOKEN={v}"]),
    "pypi-token": (pypi_token, ["pypirc:password = {v}", "env:TWINE_PASSWORD={v}"]),
    "sendgrid-api-key": (lambda: "SG." + mixed(URLSAFE, 22) + "." + mixed(URLSAFE, 43),
                         ["env:SENDGRID_API_KEY={v}", 'yaml:sendgrid_key: "{v}"']),
    "twilio-api-key": (lambda: "SK" + rand("0123456789abcdef", 32), ["env:TWILIO_API_KEY={v}", 'code:twilio_api_key = "{v}"']),
    "jwt": (jwt, ['txt:curl -H "Authorization: Bearer {v}" https://api.internal/v1/me', 'code:const token = "{v}";']),
    "generic-password": (password, ["env:DB_PASSWORD={v}", "yaml:  password: {v}", 'json:  "password": "{v}",',
                                    "props:spring.datasource.password={v}"]),
    "connection-string": (None, []),  # built below (the password is the secret)
    "keywarden-key": (lambda: keywarden_key(rand(string.ascii_lowercase, 1) + rand(string.ascii_lowercase + string.digits, 3),
                                            secrets.choice(["live", "test", "prod"])),
                      ["env:KEYWARDEN_KEY={v}", 'code:api_key = "{v}"']),
}

# File types by a template's tag (`env:DB_PASSWORD={v}`): the same line
# reads naturally in each.
EXTS = {
    "env": [".env", ".sh", ".envrc"],
    "ini": [".ini", ".cfg", ".conf"],
    "props": [".properties"],
    "yaml": [".yaml", ".yml"],
    "json": [".json"],
    "code": [".py", ".js", ".ts", ".go", ".rb", ".java"],
    "txt": [".txt", ".md", ".sh"],
    "npmrc": [".npmrc"],
    "pypirc": [".pypirc"],
}


def split_template(template):
    """(file extension, the line template) of a tagged template."""
    tag, _, line = template.partition(":")
    if tag == "npmrc":
        line = "/" + line  # the tag ate `/`: `//registry.npmjs.org/…`
    return secrets.choice(EXTS[tag]), line


FILLER = [
    "# configuration for the service",
    "import os",
    "LOG_LEVEL=info",
    "timeout: 30",
    "def handler(event, context):",
    "    return {'statusCode': 200}",
    "retries = 3",
    "name: web",
    "// TODO: move to the vault",
    "PORT=8080",
    "region = \"eu-west-1\"",
    "</dependency>",
    "",
]


def filler(n):
    return [secrets.choice(FILLER) for _ in range(n)]


class Corpus:
    def __init__(self, root):
        self.root = root
        self.plants = []
        self.n = 0

    def path(self, stem, ext):
        self.n += 1
        return f"p{self.n:04}-{stem}{ext}"

    def write(self, rel, text):
        full = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)

    def add(self, rel, line, kind, category, value, planted=True, inner=None, forms=()):
        self.plants.append({
            "file": rel, "inner": inner, "line": line, "kind": kind, "category": category,
            "planted": planted, "value": value, "sha256": hashlib.sha256(value.encode()).hexdigest(),
            "forms": [value, *forms],
        })

    def plain(self, kind, value, template):
        """One file: filler, the secret's line, filler."""
        before = filler(2 + secrets.randbelow(8))
        ext, template = split_template(template)
        line = template.format(v=value)
        rel = self.path(kind, ext)
        self.write(rel, "\n".join(before + [line] + filler(3)) + "\n")
        self.add(rel, len(before) + 1, kind, "plain", value)


def connection_string():
    pw = password().replace("@", "x").replace("/", "x").replace("#", "x").replace("?", "x")
    host = rand(string.ascii_lowercase, 8) + ".internal"
    scheme, port = secrets.choice([("postgres", 5432), ("mysql", 3306), ("mongodb", 27017), ("redis", 6379), ("amqp", 5672)])
    return pw, f"{scheme}://app_user:{pw}@{host}:{port}/main"


def aws_pair():
    return "AKIA" + rand(string.ascii_uppercase + "234567", 16), aws_secret()


AWS_STYLES = [
    ("env", "AWS_ACCESS_KEY_ID={i}", "AWS_SECRET_ACCESS_KEY={s}"),
    ("ini", "aws_access_key_id = {i}", "aws_secret_access_key = {s}"),
    ("json", '  "accessKeyId": "{i}",', '  "secretAccessKey": "{s}",'),
    ("yaml", "  aws_access_key_id: {i}", "  aws_secret_access_key: {s}"),
]


def make_value(kind):
    if kind == "connection-string":
        return connection_string()
    return KINDS[kind][0](), None


def generate(out, manifest, scale):
    os.makedirs(out, exist_ok=True)
    c = Corpus(out)

    # plain: every kind, each of its templates, `scale` times over.
    for kind, (_, templates) in KINDS.items():
        for i in range(scale):
            if kind == "aws":
                key_id, secret = aws_pair()
                tag, a, b = AWS_STYLES[i % len(AWS_STYLES)]
                before = filler(1 + secrets.randbelow(6))
                rel = c.path(kind, secrets.choice(EXTS[tag]))
                c.write(rel, "\n".join(before + [a.format(i=key_id), b.format(s=secret)] + filler(2)) + "\n")
                c.add(rel, len(before) + 1, "aws-access-key-id", "plain", key_id)
                c.add(rel, len(before) + 2, "aws-secret-access-key", "plain", secret)
                continue
            if kind == "connection-string":
                pw, uri = connection_string()
                ext, tpl = split_template(secrets.choice(["env:DATABASE_URL={u}", 'yaml:url: "{u}"',
                                                          'code:conn = connect("{u}")']))
                before = filler(1 + secrets.randbelow(6))
                rel = c.path(kind, ext)
                c.write(rel, "\n".join(before + [tpl.format(u=uri)] + filler(2)) + "\n")
                c.add(rel, len(before) + 1, kind, "plain", pw, forms=[uri])
                continue
            c.plain(kind, KINDS[kind][0](), templates[i % len(templates)])
    for i in range(max(2, scale // 2)):
        # PKCS#1 and PKCS#8; RSA-2048, and every third one RSA-1024 (still
        # in use, and its DER shape differs: its base64 holds `AkEA`).
        pem = rsa_pem(pkcs8=i % 2 == 1, bits=1024 if i % 3 == 2 else 2048)
        before = filler(1 + secrets.randbelow(4))
        rel = c.path("private-key", secrets.choice([".pem", ".key", ".txt"]))
        c.write(rel, "\n".join(before + [pem] + filler(2)) + "\n")
        c.add(rel, len(before) + 1, "private-key", "plain", pem)

    # base64: a line holding the secret, encoded, inside another file.
    b64_kinds = ["github-classic-pat", "stripe-live-secret", "slack-bot-token", "aws",
                 "google-api-key", "openai-api-key", "generic-password", "keywarden-key", "sendgrid-api-key"]
    for i in range(2 * scale):
        kind = b64_kinds[i % len(b64_kinds)]
        if kind == "aws":
            key_id, value = aws_pair()
            kind = "aws-secret-access-key"
            inner = f"AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={value}"
        else:
            value, _ = make_value(kind)
            inner = split_template(KINDS[kind][1][0])[1].format(v=value)
        enc = base64.b64encode(inner.encode()).decode()
        tpl, ext = secrets.choice([('config_blob: "{e}"', ".yaml"), ('{{"settings": "{e}"}}', ".json"),
                                   ("ENCODED_ENV={e}", ".env"), ("echo {e} | base64 -d > .env", ".sh")])
        before = filler(1 + secrets.randbelow(5))
        rel = c.path(kind + "-b64", ext)
        c.write(rel, "\n".join(before + [tpl.format(e=enc)] + filler(2)) + "\n")
        c.add(rel, len(before) + 1, kind, "base64", value, forms=[enc])

    # k8s: Secret manifests (base64 data values) and .dockerconfigjson files.
    k8s_kinds = ["generic-password", "github-classic-pat", "stripe-live-secret", "aws",
                 "slack-bot-token", "gitlab-pat"]
    for i in range(scale):
        lines = ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: app-{rand(string.ascii_lowercase, 5)}",
                 "  namespace: default", "type: Opaque", "data:"]
        entries = []
        for j in range(3):
            kind = k8s_kinds[(3 * i + j) % len(k8s_kinds)]
            if kind == "aws":
                pair = zip(("aws-access-key-id", "aws-secret-access-key"), aws_pair())
            else:
                pair = [(kind, make_value(kind)[0])]
            for kind, value in pair:
                enc = base64.b64encode(value.encode()).decode()
                key = {"generic-password": "db-password"}.get(kind, kind.replace("-", "_") + "_token")
                key = key.replace("aws_access_key_id_token", "AWS_ACCESS_KEY_ID").replace(
                    "aws_secret_access_key_token", "AWS_SECRET_ACCESS_KEY")
                lines.append(f"  {key}: {enc}")
                entries.append((len(lines), kind, value, enc))
        rel = c.path("k8s-secret", secrets.choice([".yaml", ".yml"]))
        c.write(rel, "\n".join(lines) + "\n")
        for line, kind, value, enc in entries:
            c.add(rel, line, kind, "k8s", value, forms=[enc])
    for i in range(max(2, scale // 2)):
        user, pw = "ci-" + rand(string.ascii_lowercase, 5), password()
        auth = base64.b64encode(f"{user}:{pw}".encode()).decode()
        host = secrets.choice(["registry.gitlab.com", "ghcr.io", "index.docker.io", "quay.io"])
        rel = c.path("docker", "") + "/.dockerconfigjson"
        c.write(rel, "{\n  \"auths\": {\n    \"%s\": {\n      \"auth\": \"%s\"\n    }\n  }\n}\n" % (host, auth))
        c.add(rel, 5, "docker-auth", "k8s", pw, forms=[auth])

    # archive: a properties file inside a jar inside a zip.
    arc_kinds = ["aws", "github-classic-pat", "stripe-live-secret", "generic-password",
                 "slack-webhook", "keywarden-key"]
    for i in range(scale):
        kind = arc_kinds[i % len(arc_kinds)]
        before = ["# application settings", "server.port=8080", "logging.level.root=INFO"]
        if kind == "aws":
            key_id, value = aws_pair()
            kind = "aws-secret-access-key"
            before.append(f"aws.accessKeyId={key_id}")
            key = "aws.secretAccessKey"
        else:
            value, _ = make_value(kind)
            key = {"generic-password": "spring.datasource.password"}.get(kind, kind.replace("-", ".") + ".token")
        props = "\n".join(before + [f"{key}={value}", "feature.x=true"]) + "\n"
        jar = io.BytesIO()
        with zipfile.ZipFile(jar, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
            z.writestr("config/application.properties", props)
        outer = io.BytesIO()
        with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("lib/app.jar", jar.getvalue())
            z.writestr("README.txt", "release bundle\n")
        rel = c.path("bundle", ".zip")
        with open(os.path.join(out, rel), "wb") as f:
            f.write(outer.getvalue())
        c.add(rel, len(before) + 1, kind, "archive", value, inner="lib/app.jar/config/application.properties")

    # decoys: about a quarter as many as the true secrets.
    aws_doc_id, aws_doc_secret = "AKIA" + "IOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
    stripe_doc = "sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc"
    decoys = [
        ("aws-example-id", lambda: (aws_doc_id, "env:AWS_ACCESS_KEY_ID={v}")),
        ("aws-example-secret", lambda: (aws_doc_secret, "ini:aws_secret_access_key = {v}")),
        ("stripe-docs-key", lambda: (stripe_doc, 'code:stripe.api_key = "{v}"')),
        ("placeholder", lambda: ("your-api-key-here", 'code:API_KEY = "{v}"')),
        ("placeholder", lambda: ("x" * secrets.choice([16, 24, 32]), "yaml:secret_token: {v}")),
        ("placeholder", lambda: ("${API_KEY}", "yaml:api_key: {v}")),
        ("placeholder", lambda: ("<your-password>", "yaml:  password: {v}")),
        ("placeholder", lambda: ("changeme", "env:DB_PASSWORD={v}")),
        ("low-entropy", lambda: ("test1234test1234", 'code:token = "{v}"')),
        ("low-entropy", lambda: ("a" * 20, "env:SECRET_KEY={v}")),
        ("low-entropy", lambda: ("password123", 'json:  "password": "{v}",')),
        ("uuid-token", lambda: (str(uuid.uuid4()), 'json:  "token": "{v}",')),
        ("uuid-token", lambda: (str(uuid.uuid4()), "env:REQUEST_ID_TOKEN={v}")),
        ("hash", lambda: (hashlib.sha256(os.urandom(16)).hexdigest(), 'ini:sha256 = "{v}"')),
        ("hash", lambda: (hashlib.sha1(os.urandom(16)).hexdigest(), "yaml:checksum: {v}")),
        ("hash", lambda: ("sha512-" + base64.b64encode(hashlib.sha512(os.urandom(8)).digest()).decode(), 'json:  "integrity": "{v}",')),
        ("hash", lambda: (hashlib.md5(os.urandom(8)).hexdigest(), "txt:md5sum {v}  release.tar.gz")),
    ]
    true_count = len(c.plants)
    for i in range(max(1, true_count // 4)):
        kind, make = decoys[i % len(decoys)]
        value, tpl = make()
        ext, tpl = split_template(tpl)
        before = filler(1 + secrets.randbelow(5))
        rel = c.path("decoy-" + kind, ext)
        c.write(rel, "\n".join(before + [tpl.format(v=value)] + filler(2)) + "\n")
        c.add(rel, len(before) + 1, kind, "decoy", value, planted=False)

    with open(manifest, "w") as f:
        json.dump({"root": os.path.abspath(out), "plants": c.plants}, f, indent=1)
    n_true = sum(p["planted"] for p in c.plants)
    print(f"planted {n_true} secrets and {len(c.plants) - n_true} decoys in {c.n} files under {out}", file=sys.stderr)


# --- scoring ---

def findings(tool, report):
    """(path, line, secret) of every finding in a tool's JSON report."""
    with open(report) as f:
        text = f.read()
    if not text.strip():
        return []
    doc = json.loads(text)
    out = []
    if tool == "keywarden":
        for f in doc.get("findings", []):
            out.append((f.get("path", ""), f.get("line"), f.get("secret") or f.get("match") or ""))
    elif tool == "betterleaks":
        items = doc.get("findings", []) if isinstance(doc, dict) else doc
        for f in items or []:
            loc, m = f.get("location", {}), f.get("match", {})
            # A composite finding names its components' values too (AWS:
            # the key id is the finding, the secret key a component).
            parts = [m.get("value") or m.get("full") or ""]
            for cs in f.get("component_sets") or []:
                parts += [(c.get("match") or {}).get("value", "") for c in cs.get("components") or []]
            out.append((loc.get("path", ""), loc.get("start_line"), "\n".join(parts)))
    elif tool == "kingfisher":
        for f in doc.get("findings", []):
            g = f.get("finding", {})
            parts = [g.get("snippet") or ""] + [str(v) for v in (g.get("dependent_captures") or {}).values()]
            out.append((g.get("path", ""), g.get("line"), "\n".join(parts)))
    else:
        raise SystemExit(f"unknown tool {tool}")
    return out


def norm(path, root):
    path = path.replace("\\", "/")
    root = root.rstrip("/") + "/"
    i = path.find(root)
    if i >= 0:
        path = path[i + len(root):]
    return path


def shape(value):
    """The value redacted: its first characters and length."""
    first = value.splitlines()[0] if "\n" in value else value
    keep = 4 if len(first) > 12 else 2
    return f"{first[:keep]}…({len(value)} chars)"


def hit(plant, found, root):
    rel = plant["file"]
    for path, line, secret in found:
        p = norm(path, root)
        if plant["inner"]:
            if rel not in p:
                continue
        elif not (p == rel or p.endswith("/" + rel)):
            continue
        if line == plant["line"] and not plant["inner"]:
            return True
        if plant["inner"] and line == plant["line"]:
            return True
        if secret and (any(form in secret for form in plant["forms"])
                       or (len(secret) >= 12 and any(secret in form for form in plant["forms"]))):
            return True
    return False


def score(manifest, tool, report, root):
    m = json.load(open(manifest))
    root = os.path.abspath(root or m["root"])
    found = findings(tool, report)
    res = {"tool": tool, "findings": len(found), "by_category": {}, "by_kind": {}, "missed": [],
           "decoys": 0, "decoys_flagged": 0, "flagged_by_kind": {}, "false_alarms": []}
    n = ok = 0
    for p in m["plants"]:
        got = hit(p, found, root)
        if p["planted"]:
            n += 1
            ok += got
            for key, name in (("by_category", p["category"]), ("by_kind", p["kind"])):
                f, t = res[key].get(name, [0, 0])
                res[key][name] = [f + got, t + 1]
            if not got:
                res["missed"].append({"kind": p["kind"], "category": p["category"], "file": p["file"],
                                      "line": p["line"], "shape": shape(p["value"])})
        else:
            res["decoys"] += 1
            if got:
                res["decoys_flagged"] += 1
                res["flagged_by_kind"][p["kind"]] = res["flagged_by_kind"].get(p["kind"], 0) + 1
                res["false_alarms"].append({"kind": p["kind"], "file": p["file"], "line": p["line"],
                                            "shape": shape(p["value"])})
    res["planted"], res["found"] = n, ok
    res["recall"] = ok / n if n else 0.0
    json.dump(res, sys.stdout, indent=1)
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write a fresh planted tree and its manifest")
    g.add_argument("out")
    g.add_argument("manifest")
    g.add_argument("--scale", type=int, default=10, help="plants per kind in the plain category (default 10)")
    s = sub.add_parser("score", help="score one tool's JSON report against the manifest")
    s.add_argument("--manifest", required=True)
    s.add_argument("--tool", required=True, choices=["keywarden", "betterleaks", "kingfisher"])
    s.add_argument("--root", help="the planted tree as the tool was given it (default: the manifest's)")
    s.add_argument("report")
    a = ap.parse_args()
    if a.cmd == "generate":
        generate(a.out, a.manifest, a.scale)
    else:
        score(a.manifest, a.tool, a.report, a.root)


if __name__ == "__main__":
    main()
