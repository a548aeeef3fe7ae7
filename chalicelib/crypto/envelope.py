"""Envelope encryption of masked originals: a fresh KMS data key per original, AES-256-GCM locally.

`seal` asks KMS for a data key under the service key (MASKING_KEY_ID), encrypts the text
with it and keeps only the *encrypted* data key beside the ciphertext; the plaintext key
lives in this function's memory only. `unseal` has KMS decrypt the data key, then decrypts
the text. Both bind the ciphertext to where it belongs through an encryption context (KMS)
that is also the AES-GCM associated data, so an original moved to another message or mask
does not decrypt. Nothing here logs or caches plaintext or keys.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chalicelib.config import get_config
from chalicelib.domain.errors import DomainError

NONCE_BYTES = 12  # 96-bit GCM nonce, random per encryption (each data key encrypts once)
ALGORITHM = "AES-256-GCM"

_BOTO_CONFIG = BotoConfig(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})
_lock = threading.Lock()
_client: Any = None


class CryptoUnavailable(DomainError):
    code = "crypto_unavailable"
    http_status = 503


@dataclass(frozen=True)
class Sealed:
    encrypted_key: bytes  # the KMS CiphertextBlob of the data key
    nonce: bytes
    ciphertext: bytes  # AES-GCM ciphertext with its 16-byte tag


def _kms() -> Any:
    global _client
    with _lock:
        if _client is None:
            _client = boto3.session.Session().client("kms", region_name=get_config().region, config=_BOTO_CONFIG)
        return _client


def _key_id() -> str:
    key_id = get_config().masking_key_id
    if not key_id:
        raise CryptoUnavailable("masking is not configured (MASKING_KEY_ID is empty)")
    return key_id


def _aad(context: dict[str, str]) -> bytes:
    return json.dumps(context, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def seal(plaintext: str, context: dict[str, str]) -> Sealed:
    try:
        data_key = _kms().generate_data_key(KeyId=_key_id(), KeySpec="AES_256", EncryptionContext=context)
    except ClientError as exc:
        raise CryptoUnavailable(f"the key service refused: {exc.response.get('Error', {}).get('Code')}") from exc
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext.encode("utf-8"), _aad(context))
    return Sealed(encrypted_key=data_key["CiphertextBlob"], nonce=nonce, ciphertext=ciphertext)


def unseal(sealed: Sealed, context: dict[str, str]) -> str:
    try:
        data_key = _kms().decrypt(CiphertextBlob=sealed.encrypted_key, KeyId=_key_id(), EncryptionContext=context)[
            "Plaintext"
        ]
    except ClientError as exc:
        raise CryptoUnavailable(f"the key service refused: {exc.response.get('Error', {}).get('Code')}") from exc
    try:
        return AESGCM(data_key).decrypt(sealed.nonce, sealed.ciphertext, _aad(context)).decode("utf-8")
    except InvalidTag as exc:
        raise CryptoUnavailable("the stored original failed its integrity check") from exc
