"""Wheels for keywarden, written with Python's standard library only.

Two users:

* ``scripts/package`` writes the binary wheel ``keywarden-<version>-py3-none-
  <platform>.whl`` (the release binary as ``keywarden-<version>.data/scripts/
  keywarden``, the way ruff's and kingfisher-bin's wheels carry theirs).
* This module is also the PEP 517 build backend of the repository root's
  ``pyproject.toml``: the tiny pure-Python package ``keywarden-pre-commit``
  that pre-commit installs for the ``keywarden-scan`` hook. It contains no
  code; it depends on ``keywarden==<version>``, which pip resolves from the
  binary wheel (``PIP_FIND_LINKS=target/dist PIP_NO_INDEX=1``) or PyPI. No
  Rust is compiled.

The version has one source: ``[workspace.package] version`` in Cargo.toml.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Fixed timestamps: the same inputs give the same wheel.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
SUMMARY = "API keys done right: generate, serve, manage, verify and scan for API keys"


def workspace_version(root=ROOT):
    """The workspace version, as PEP 440 spells it."""
    with open(os.path.join(root, "Cargo.toml"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r'^\[workspace\.package\]\s*\nversion\s*=\s*"([^"]+)"', text, re.M)
    if not m:
        raise SystemExit("Cargo.toml: no version under [workspace.package]")
    return pep440(m.group(1))


def pep440(version):
    m = re.fullmatch(r"(\d+\.\d+\.\d+)(?:-(alpha|beta|rc)\.?(\d+))?", version)
    if not m:
        raise SystemExit(f"version {version!r} has no PEP 440 spelling here")
    release, pre, n = m.groups()
    return release + ({"alpha": "a", "beta": "b", "rc": "rc"}[pre] + n if pre else "")


def record_hash(data):
    """RECORD's hash: sha256, urlsafe base64 without padding (PEP 376/427)."""
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def metadata(name, version, requires=(), summary=SUMMARY):
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {summary}",
        "License: MIT OR Apache-2.0",
        "Project-URL: Repository, https://github.com/keywarden/keywarden",
        "Requires-Python: >=3.7",
    ]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return ("\n".join(lines) + "\n").encode()


def write_wheel(directory, name, version, tags, files, purelib, requires=()):
    """Write ``<name>-<version>-<tag>.whl`` into ``directory``.

    ``tags``: (python, abi, platform), the platform possibly a compressed set
    (``a.b``); ``files``: (path in the wheel, bytes, executable?).
    Returns the wheel's path.
    """
    dist = re.sub(r"[-_.]+", "_", name)
    dist_info = f"{dist}-{version}.dist-info"
    python, abi, platform = tags
    wheel = [
        "Wheel-Version: 1.0",
        "Generator: keywarden (python/keywarden_wheel.py)",
        f"Root-Is-Purelib: {'true' if purelib else 'false'}",
    ]
    wheel += [f"Tag: {python}-{abi}-{p}" for p in platform.split(".")]
    entries = list(files) + [
        (f"{dist_info}/METADATA", metadata(name, version, requires), False),
        (f"{dist_info}/WHEEL", ("\n".join(wheel) + "\n").encode(), False),
    ]
    for licence in ("LICENSE-MIT", "LICENSE-APACHE"):
        path = os.path.join(ROOT, licence)
        if os.path.exists(path):
            with open(path, "rb") as f:
                entries.append((f"{dist_info}/licenses/{licence}", f.read(), False))
    record = "".join(f"{p},{record_hash(d)},{len(d)}\n" for p, d, _ in entries)
    record += f"{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode(), False))

    os.makedirs(directory, exist_ok=True)
    filename = f"{dist}-{version}-{python}-{abi}-{platform}.whl"
    path = os.path.join(directory, filename)
    tmp = path + ".part"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for arcname, data, executable in entries:
            info = zipfile.ZipInfo(arcname, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ((0o755 if executable else 0o644) | 0o100000) << 16
            z.writestr(info, data)
    os.replace(tmp, path)
    return path


# --- PEP 517 backend of the pre-commit package (pyproject.toml) -------------

HOOK_PACKAGE = "keywarden-pre-commit"


def _hook_requires():
    return [f"keywarden=={workspace_version()}"]


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    path = write_wheel(
        wheel_directory,
        HOOK_PACKAGE,
        workspace_version(),
        ("py3", "none", "any"),
        [],
        purelib=True,
        requires=_hook_requires(),
    )
    return os.path.basename(path)


def build_sdist(sdist_directory, config_settings=None):
    version = workspace_version()
    base = f"keywarden_pre_commit-{version}"
    name = f"{base}.tar.gz"
    os.makedirs(sdist_directory, exist_ok=True)
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as tar:
        for rel in ("pyproject.toml", "Cargo.toml", "python/keywarden_wheel.py"):
            tar.add(os.path.join(ROOT, rel), arcname=f"{base}/{rel}")
        pkg_info = metadata(HOOK_PACKAGE, version, _hook_requires())
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(pkg_info)
        tar.addfile(info, io.BytesIO(pkg_info))
    return name
