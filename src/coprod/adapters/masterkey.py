"""The master key: the one secret that lives outside the database and protects the rest.

Every per-subject key (a person's crypto-shredding key, a process's pseudonym secret) is a
random key stored in the database *wrapped* (AES-GCM) under the master key. A copy of the
database alone — a stolen file, a backup, a dump — therefore holds no usable secret: without
the master key no voter pseudonym can be recomputed and no sealed value opened.

Where the master key comes from, first match wins:

1. ``COPROD_SECRET_KEY``: a keyring in the environment (see :func:`parse_keyring`);
2. ``COPROD_SECRET_KEY_FILE``: a keyring file you provide (only ``coprod secrets rotate``
   writes to it, adding a version);
3. SQLite only, neither set: a key file in the user's data folder, created on first run with
   mode 0600 (``$XDG_DATA_HOME/coprod/keys/<store id>.key``, by default
   ``~/.local/share/coprod/keys/``). The store id is a random id kept in the database, so two
   stores never share a key by accident, and moving or copying the database file keeps its
   key. PostgreSQL never gets a key made up on the server: starting without 1. or 2. is a
   clear error.

A keyring holds numbered versions (``"2:BASE64 1:BASE64"``, or lines ``2:BASE64`` in a file;
a bare ``BASE64`` is version 1). The highest version wraps new keys; older versions still
unwrap what they wrapped, until ``coprod secrets rotate`` has re-wrapped every subject key
under the newest. Pseudonyms do not change on rotation: the per-process pseudonym secret is
itself a wrapped subject key, so only its wrapping changes, never its value.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from coprod.domain.errors import InvalidInput

ENV_KEY = "COPROD_SECRET_KEY"
ENV_FILE = "COPROD_SECRET_KEY_FILE"
KEY_BYTES = 32
_NONCE = 12
_WRAPPED = re.compile(r"^k(\d+):(.+)$")
_ENTRY = re.compile(r"^(?:(\d+):)?([A-Za-z0-9+/=_-]+)$")


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return secrets.token_bytes(KEY_BYTES)


def encode_entry(version: int, key: bytes) -> str:
    """One keyring entry as text: ``VERSION:BASE64``."""
    return f"{version}:{base64.b64encode(key).decode('ascii')}"


def parse_keyring(text: str, origin: str) -> dict[int, bytes]:
    """Versions and keys from ``"2:BASE64 1:BASE64"`` (spaces, commas or lines between).

    ``#`` starts a comment line in a file. A bare ``BASE64`` entry is version 1. Every key
    must decode to 32 bytes; the message names ``origin`` (the variable or the file).
    """
    found: dict[int, bytes] = {}
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    for entry in re.split(r"[\s,]+", "\n".join(lines).strip()):
        if not entry:
            continue
        match = _ENTRY.match(entry)
        if match is None:
            raise InvalidInput(origin, "each key must be VERSION:BASE64 (32 random bytes)")
        version = int(match.group(1) or 1)
        try:
            key = base64.b64decode(match.group(2).replace("-", "+").replace("_", "/"))
        except (binascii.Error, ValueError):
            raise InvalidInput(origin, f"key version {version} is not base64") from None
        if len(key) != KEY_BYTES or version < 1 or version in found:
            raise InvalidInput(
                origin, f"key version {version} must be 32 bytes, numbered once, from 1"
            )
        found[version] = key
    if not found:
        raise InvalidInput(origin, "holds no key; create one with `coprod secrets new-key`")
    return found


@dataclass
class Keyring:
    """The master keys by version; wraps under the newest, unwraps under any it holds."""

    keys: dict[int, bytes]
    #: Where the keys came from, for messages: the variable name or the file path.
    origin: str
    #: The file to read again when a newer version appears (rotated by another process).
    path: Path | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def current(self) -> int:
        return max(self.keys)

    def wrap(self, subject: str, key: bytes) -> str:
        """The subject key sealed under the newest master key, bound to its subject."""
        version = self.current
        nonce = secrets.token_bytes(_NONCE)
        sealed = AESGCM(self.keys[version]).encrypt(nonce, key, _aad(version, subject))
        return f"k{version}:" + base64.b64encode(nonce + sealed).decode("ascii")

    def unwrap(self, subject: str, stored: str) -> bytes:
        """The subject key from its stored form; a wrong master key is a clear error."""
        match = _WRAPPED.match(stored)
        if match is None:
            raise InvalidInput(subject, "the stored key is not wrapped (run the migration)")
        version = int(match.group(1))
        master = self._version(version)
        raw = base64.b64decode(match.group(2))
        try:
            return AESGCM(master).decrypt(raw[:_NONCE], raw[_NONCE:], _aad(version, subject))
        except InvalidTag:
            raise InvalidInput(
                self.origin,
                f"master key version {version} does not open this store's keys: "
                "it is not the key this database was set up with",
            ) from None

    def _version(self, version: int) -> bytes:
        with self._lock:
            if version not in self.keys and self.path is not None and self.path.exists():
                self.keys = parse_keyring(self.path.read_text("utf-8"), str(self.path))
            if version not in self.keys:
                raise InvalidInput(
                    self.origin,
                    f"has no master key version {version}, which wraps keys in this store",
                )
            return self.keys[version]


def is_wrapped(stored: str) -> bool:
    """Whether a stored key is wrapped (``kN:...``) or a legacy key in clear (base64)."""
    return _WRAPPED.match(stored) is not None


def wrapped_version(stored: str) -> int | None:
    match = _WRAPPED.match(stored)
    return None if match is None else int(match.group(1))


def _aad(version: int, subject: str) -> bytes:
    return f"coprod-key|{version}|{subject}".encode()


def data_home(environ: Mapping[str, str]) -> Path:
    """The user's data folder: ``$XDG_DATA_HOME`` or ``~/.local/share`` (XDG base dirs)."""
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "coprod"


def default_key_path(store_id: str, environ: Mapping[str, str]) -> Path:
    """The embedded store's key file, named after the id kept inside that store."""
    return data_home(environ) / "keys" / f"{store_id}.key"


def load_keyring(
    backend: str,
    store_id: str | None,
    *,
    may_create: bool,
    environ: Mapping[str, str] | None = None,
) -> Keyring:
    """The configured keyring (see the module doc for the order).

    ``may_create`` is False when the store already holds wrapped keys: then a missing
    default file is lost, not new, and making a fresh key would lock the data away.
    """
    environ = os.environ if environ is None else environ
    if environ.get(ENV_KEY):
        return Keyring(parse_keyring(environ[ENV_KEY], ENV_KEY), ENV_KEY)
    if environ.get(ENV_FILE):
        path = Path(environ[ENV_FILE]).expanduser()
        return Keyring(_read_file(path, ENV_FILE), str(path), path)
    if backend != "sqlite" or store_id is None:
        raise InvalidInput(
            ENV_FILE,
            f"PostgreSQL needs a master key: set {ENV_FILE} to a key file (0600) or "
            f"{ENV_KEY} to a key; make one with `coprod secrets new-key`",
        )
    path = default_key_path(store_id, environ)
    if not path.exists():
        if not may_create:
            raise InvalidInput(
                ENV_FILE,
                f"this store's keys are wrapped under a master key, but its key file {path} "
                f"is missing: restore it, or point {ENV_FILE} at it",
            )
        create_key_file(path, {1: new_key()})
    return Keyring(_read_file(path, str(path)), str(path), path)


def _read_file(path: Path, origin: str) -> dict[int, bytes]:
    try:
        text = path.read_text("utf-8")
    except OSError as e:
        raise InvalidInput(origin, f"cannot read the key file {path}: {e.strerror}") from None
    return parse_keyring(text, str(path))


def render_keyring(keys: Mapping[int, bytes]) -> str:
    header = "# coprod master keys: VERSION:BASE64, the highest wraps new keys. Keep it secret.\n"
    return header + "".join(encode_entry(v, keys[v]) + "\n" for v in sorted(keys, reverse=True))


def create_key_file(path: Path, keys: Mapping[int, bytes]) -> None:
    """Create the key file (0600, in a 0700 folder) only if absent; a racing creator wins.

    Written in full to a private temporary file first and then hard-linked into place, so no
    reader ever sees a half-written key and two first runs end up with the same key.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = _write_private(path, keys)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def replace_key_file(path: Path, keys: Mapping[int, bytes]) -> None:
    """Replace the key file atomically (0600), for rotation."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.replace(_write_private(path, keys), path)


def _write_private(path: Path, keys: Mapping[int, bytes]) -> Path:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(render_keyring(keys))
        out.flush()
        os.fsync(out.fileno())
    return temporary
