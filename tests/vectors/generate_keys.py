#!/usr/bin/env python3
"""Independent reference implementation of docs/keys.md, used to produce
tests/vectors/keys.json. It shares no code with crossing: BIP-39 from the
`mnemonic` package, Ed25519/X25519 from libsodium (PyNaCl), BLAKE3 from the
`blake3` package, Bech32 from the `bech32` package. Besides docs/keys.md's
version-1 keys, each vector has the public key of the phrase's writer
authority (format 2: docs/keys.md, Writer keys), from which
generate_signed.py signs certificates and revocations.

    pip install pynacl blake3 mnemonic bech32
    python3 tests/vectors/generate_keys.py > tests/vectors/keys.json
"""
import json

import blake3
import nacl.bindings as sodium
from bech32 import bech32_encode, convertbits
from mnemonic import Mnemonic

LABELS = {
    "backup_identity": "crossing 2026-11-26 backup age identity v1",
    "store_locator": "crossing 2026-11-26 store locator v1",
    "dedup_key": "crossing 2026-11-26 chunk dedup key v1",
    "writer_authority": "crossing 2026-12-01 writer authority v1",
}

PHRASES = [
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art",
    "void come effort suffer camp survey warrior heavy shoot primary clutch crush "
    "open amazing screen patrol group space point ten exist slush involve unfold",
]


def derive(label, master):
    return blake3.blake3(master, derive_key_context=label).digest()


def vector(phrase):
    entropy = bytes(Mnemonic("english").to_entropy(phrase))
    master = entropy + bytes(32 - len(entropy))  # zero-padded, Session-style
    ed_pk, _ = sodium.crypto_sign_seed_keypair(master)
    x_pk = sodium.crypto_sign_ed25519_pk_to_curve25519(ed_pk)
    backup_secret = derive(LABELS["backup_identity"], master)
    recipient_pk = sodium.crypto_scalarmult_base(backup_secret)  # clamps like age
    recipient = bech32_encode("age", convertbits(recipient_pk, 8, 5))
    authority_pk, _ = sodium.crypto_sign_seed_keypair(derive(LABELS["writer_authority"], master))
    return {
        "phrase": phrase,
        "entropy": entropy.hex(),
        "master_seed": master.hex(),
        "ed25519_public": ed_pk.hex(),
        "id": "05" + x_pk.hex(),
        "backup_recipient": recipient,
        "locator": derive(LABELS["store_locator"], master)[:16].hex(),
        "dedup_key": derive(LABELS["dedup_key"], master).hex(),
        # Format 2: the Ed25519 key (seed = the derived bytes) that certifies
        # and revokes writers.
        "writer_authority_public": authority_pk.hex(),
    }


print(json.dumps({"labels": LABELS, "vectors": [vector(p) for p in PHRASES]}, indent=2))
