"""The deployment's own signing key and self-signed certificate for proofs of service.

Made once at set-up (`vetserve proof-keys`; the demo makes them), kept in PROOF_KEY_DIR private
to the service user (0700 directory, 0600 key), never in the database or the repository. A PDF
reader shows the signature as intact (or the document as altered since); whoever wants to trust
the signer, not just the integrity, imports the certificate (proof-signing.crt) once.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from pyhanko.sign import signers

from vetserve.core.files import private_dir, write_private

KEY_FILE = "proof-signing.key"
CERT_FILE = "proof-signing.crt"
VALID_YEARS = 20


class ProofKeysMissing(RuntimeError):
    """No signing key yet: the operator must run `vetserve proof-keys`."""


def key_paths(directory: Path | None = None) -> tuple[Path, Path]:
    base = Path(directory or settings.PROOF_KEY_DIR)
    return base / KEY_FILE, base / CERT_FILE


def proof_keys_create(
    *, common_name: str, directory: Path | None = None, replace: bool = False
) -> tuple[Path, Path]:
    """A new ECDSA P-256 key and a self-signed certificate naming the corps. Refuses to
    overwrite an existing key unless ``replace`` (proofs signed before stay verifiable with
    the old certificate, which the operator keeps)."""
    key_path, cert_path = key_paths(directory)
    if key_path.exists() and not replace:
        raise FileExistsError(key_path)
    private_dir(key_path.parent)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=366 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    signer.cache_clear()
    return key_path, cert_path


@lru_cache(maxsize=1)
def signer() -> signers.SimpleSigner:
    key_path, cert_path = key_paths()
    if not key_path.exists() or not cert_path.exists():
        raise ProofKeysMissing(str(key_path))
    loaded = signers.SimpleSigner.load(str(key_path), str(cert_path))
    if loaded is None:
        raise ProofKeysMissing(str(key_path))
    return loaded


def certificate_pem() -> bytes:
    return key_paths()[1].read_bytes()
