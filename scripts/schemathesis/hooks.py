"""Schemathesis hooks: sign every request as a kiosk does.

The signature is Sources/CentralAPI/RequestSignature.swift's: ECDSA P-256 /
SHA-256, raw r||s in base64, over these lines joined by "\n":
BMS-REQ-v1, METHOD, path with its query (as sent), Unix timestamp, nonce
(16 random bytes, hex), hex SHA-256 of the body. The key is a test kiosk's
key file from `bms-central kiosk add` (BMS_KIOSK_KEY: its path).

The signature is made on the prepared request (a requests auth hook), so it
covers the very bytes and path that go on the wire.
"""
import base64
import hashlib
import json
import os
import secrets
import time

import requests
import schemathesis
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

with open(os.environ["BMS_KIOSK_KEY"], encoding="utf-8") as f:
    _key_file = json.load(f)
KIOSK_ID = _key_file["kioskID"]
_KEY = serialization.load_pem_private_key(_key_file["privateKeyPEM"].encode("ascii"), password=None)


def canonical(method: str, path: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return f"BMS-REQ-v1\n{method.upper()}\n{path}\n{timestamp}\n{nonce}\n{digest}".encode("utf-8")


def signature(message: bytes) -> str:
    r, s = decode_dss_signature(_KEY.sign(message, ec.ECDSA(hashes.SHA256())))
    return base64.b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode("ascii")


class KioskSignature(requests.auth.AuthBase):
    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body = r.body or b""
        if isinstance(body, str):
            # Sent as these UTF-8 bytes (http.client would encode a str as Latin-1).
            body = body.encode("utf-8")
            r.body = body
            r.headers["Content-Length"] = str(len(body))
        timestamp = int(time.time())
        nonce = secrets.token_hex(16)
        r.headers["X-BMS-Kiosk"] = KIOSK_ID
        r.headers["X-BMS-Timestamp"] = str(timestamp)
        r.headers["X-BMS-Nonce"] = nonce
        r.headers["X-BMS-Signature"] = signature(canonical(r.method, r.path_url, timestamp, nonce, body))
        return r


@schemathesis.hook
def process_call_kwargs(context, case, kwargs):
    kwargs["auth"] = KioskSignature()


@schemathesis.check
def signed_as_a_kiosk(response, case):
    """A request signed here must authenticate: a 401 or 429 means the hook
    signs differently from a kiosk, and every other check would only see
    error bodies."""
    if case.operation.path in ("/v1/health", "/metrics", "/v1/sms/delivery-report"):
        return None
    if response.status_code in (401, 429):
        raise AssertionError(f"signed request refused at authentication: {response.status_code} {response.text[:200]}")
    return None
