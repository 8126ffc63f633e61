#!/usr/bin/env python3
"""Independent reference implementation of docs/format.md's signed history
(format 2), used to produce tests/vectors/signed.json:

    authority       the phrase's writer authority (keys.json's fifth phrase)
    writers         three writer keys with fixed seeds: "writer" (certified,
                    writes the signed manifest, seals its chain), "lost"
                    (certified, then revoked), "uncertified" (certified only
                    by another phrase's authority)
    certificates    writer certificates (one signed by another authority)
    revocations     the revocation of "lost"
    manifests       signed version-2 manifests, one trusted, two untrusted
    seals           "writer"'s seal of its chain, with its seal code
    seal_codes      the seal code of every manifest name of the store
    fail_cases      what a reader must reject, and how
    store           the objects to add to tests/vectors/repo-v1 (a copy of
                    it) for a repository with a signed history, and what a
                    reader must conclude about each of its manifests

It shares no code with crossing (which is Rust): Ed25519 (RFC 8032) comes
from libsodium through PyNaCl, and every signature is made again with, and
verified by, OpenSSL through the `cryptography` package (Ed25519 signatures
are deterministic, so both must give the same bytes); CBOR comes from
`cbor2`, zstd from `zstandard`, BLAKE3 from `blake3`. Sealing (framing and
age v1) is generate_format.py's, which this script imports: every sealed
object is checked to open with the `age` and `pyrage` packages. The signed
manifests name the packs of generate_format.py's vectors (pack.json) and
their entries are those of its snapshots (snapshot.json), so they restore
from tests/vectors/repo-v1; run generate_format.py first.

Sealing randomness is drawn from BLAKE3-XOF over fixed labels, and writer
seeds too, so running the script again reproduces signed.json byte for
byte:

    python3 -m venv /tmp/venv
    /tmp/venv/bin/pip install pynacl cryptography cbor2 zstandard blake3 bech32 age pyrage
    /tmp/venv/bin/python tests/vectors/generate_signed.py

(from the repository root). Test vectors only: a real writer key is random.
"""
import json
import os
import sys

import blake3
import cbor2
import nacl.exceptions
import nacl.signing
import zstandard
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate_format as gf  # noqa: E402  (sealing, CBOR/zstd helpers)

AUTHORITY_LABEL = "crossing 2026-12-01 writer authority v1"
SEAL_CODE_LABEL = "crossing 2026-12-01 seal code v2"
SIGNED_VERSION = 2
MAX_BODY_BYTES = 1 << 30
FUTURE_SKEW_SECS = 600
CONTEXTS = {
    "certificate": b"crossing writer certificate v2\0",
    "revocation": b"crossing writer revocation v2\0",
    "seal": b"crossing writer seal v2\0",
    "manifest_header": b"crossing manifest header v2\0",
}
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


# ---------------------------------------------------------------- Ed25519, twice


def public_of(seed):
    pk = bytes(nacl.signing.SigningKey(seed).verify_key)
    assert pk == Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    return pk


def sign(seed, context, body):
    message = context + body
    signature = nacl.signing.SigningKey(seed).sign(message).signature
    assert signature == Ed25519PrivateKey.from_private_bytes(seed).sign(message)
    assert verifies(public_of(seed), context, body, signature)
    return signature


def verifies(public, context, body, signature):
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, context + body)
    except InvalidSignature:
        ok = False
    else:
        ok = True
    try:
        nacl.signing.VerifyKey(public).verify(context + body, signature)
        assert ok, "libsodium and OpenSSL disagree"
    except nacl.exceptions.BadSignatureError:
        assert not ok, "libsodium and OpenSSL disagree"
    return ok


# ---------------------------------------------------------------- keys


def authority_seed(index):
    with open(os.path.join(HERE, "keys.json")) as f:
        v = json.load(f)["vectors"][index]
    seed = blake3.blake3(bytes.fromhex(v["master_seed"]), derive_key_context=AUTHORITY_LABEL).digest()
    assert public_of(seed).hex() == v["writer_authority_public"], "keys.json disagrees"
    return seed


def seal_code(head):
    h = blake3.blake3(head.encode(), derive_key_context=SEAL_CODE_LABEL).digest()
    bits = int.from_bytes(h[:5], "big")
    digits = [(bits >> (5 * i)) & 31 for i in range(7, -1, -1)]
    check = sum((i + 1) * d for i, d in enumerate(digits)) % 32
    s = "".join(CROCKFORD[d] for d in digits)
    return f"{s[:4]}-{s[4:]}-{CROCKFORD[check]}"


# ---------------------------------------------------------------- the vectors


def main():
    keys = gf.load_keys(gf.REPO_PHRASE)
    locator = keys["locator"]
    sealer = gf.Sealer(keys)
    authority = authority_seed(gf.REPO_PHRASE)
    other_authority = authority_seed(gf.OTHER_PHRASE)
    seeds = {"authority": authority, "other_authority": other_authority}
    with open(os.path.join(HERE, "pack.json")) as f:
        pack_json = json.load(f)
    with open(os.path.join(HERE, "snapshot.json")) as f:
        snapshot_json = json.load(f)
    for doc in (pack_json, snapshot_json):
        assert doc["key"] == gf.public_key_view(keys), "run generate_format.py first"

    writers = []
    for name, role in [
        ("writer", "certified; writes the trusted manifest and seals its chain (depart)"),
        ("lost", "certified, then revoked (a lost device): its manifest dated after "
                 "the revocation's as_of is untrusted"),
        ("uncertified", "certified only by another phrase's authority: its manifest is "
                        "untrusted"),
    ]:
        seed = gf.rand(f"signed/writer seed {name}", 32)
        seeds[name] = seed
        writers.append({"name": name, "role": role, "seed_hex": seed.hex(),
                        "public": public_of(seed).hex()})
    pub = {name: public_of(seed) for name, seed in seeds.items()}

    store = []  # store keys of the objects added to repo-v1

    def signed(kind, folder, signer, fields_cbor, fields_json, label, in_store, role):
        body = gf.cbor(fields_cbor)
        signature = sign(seeds[signer], CONTEXTS[kind], body)
        so = gf.cbor({"body": body, "signature": signature})
        obj, _ = sealer.object(folder, so, "signed/" + label)
        if in_store:
            store.append(obj["store_key"])
        return {"role": role, "signer": signer, "signer_public": pub[signer].hex(),
                kind: fields_json, "body_cbor_hex": body.hex(), "signature_hex": signature.hex(),
                "signed_object_cbor_hex": so.hex(), "in_store": in_store, "object": obj}

    # --- certificates and the revocation -------------------------------------
    issued_at = 1767351600  # 2026-01-02T11:00:00Z
    certificates = []
    for writer, signer, label, role in [
        ("writer", "authority", "certificate writer", "certifies \"writer\""),
        ("lost", "authority", "certificate lost", "certifies \"lost\""),
        ("uncertified", "other_authority", "certificate foreign",
         "fail case: certifies \"uncertified\", but signed by the authority of keys.json "
         f"vectors[{gf.OTHER_PHRASE}] (\"legal winner ...\"), not this phrase's"),
    ]:
        cert = {"version": SIGNED_VERSION, "locator": locator, "writer": pub[writer],
                "issued_at": issued_at}
        certificates.append(signed("certificate", "writers", signer, cert,
                                   dict(cert, writer=pub[writer].hex()), label, True, role))

    as_of = 1767357000  # 2026-01-02T12:30:00Z
    revocation = {"version": SIGNED_VERSION, "locator": locator, "writer": pub["lost"],
                  "as_of": as_of}
    revocations = [signed("revocation", "revocations", "authority", revocation,
                          dict(revocation, writer=pub["lost"].hex()), "revocation lost", True,
                          "revokes \"lost\": nothing it signed after as_of is trusted")]

    # --- manifests ----------------------------------------------------------
    packs = []  # (name, sealed size, entries, payload) from pack.json
    for p in pack_json["packs"]:
        entries = [{"id": bytes.fromhex(e["id"]), "offset": e["offset"], "length": e["length"],
                    "raw_length": e["raw_length"]} for e in p["header"]["chunks"]]
        packs.append((p["object"]["name"], p["object"]["sealed_size"], entries,
                      bytes.fromhex(p["object"]["payload_hex"])))

    def chunk(cid):
        for name, _, entries, payload in packs:
            for e in entries:
                if e["id"] == cid:
                    blob = payload[e["offset"] : e["offset"] + e["length"]]
                    if e["length"] == e["raw_length"]:
                        return blob
                    return zstandard.ZstdDecompressor().decompress(blob)
        raise KeyError(cid.hex())

    def chunk_ids(entry):
        ids = entry.get("chunks", b"")  # absent when empty
        return [ids[i : i + 32] for i in range(0, len(ids), 32)]

    def pack_list(entries):
        """Every pack the entries' chunks are in, with those chunks' entries:
        packs by name, chunks by offset (as crossing writes them)."""
        used = {c for e in entries for c in chunk_ids(e)}
        out = []
        for name, size, pack_entries, _ in sorted(packs):
            mine = sorted((e for e in pack_entries if e["id"] in used), key=lambda e: e["offset"])
            if mine:
                out.append({"id": name, "size": size, "chunks": mine})
        return out

    def envelope(header, body_cbor, signer):
        compressed = gf.zstd3(body_cbor)
        header = dict(header, body_hash=blake3.blake3(compressed).digest(), body_len=len(body_cbor))
        header_cbor = gf.cbor(header)
        signature = sign(seeds[signer], CONTEXTS["manifest_header"], header_cbor)
        env = {"version": SIGNED_VERSION, "header": {"body": header_cbor, "signature": signature},
               "body": compressed}
        return header, header_cbor, signature, compressed, env

    def header_json(h):
        return dict(h, writer=h["writer"].hex(), body_hash=h["body_hash"].hex())

    def manifest(label, role, signer, base, meta, expect_trust, why=None):
        snap = cbor2.loads(bytes.fromhex(base["cbor_hex"]))
        entries = snap["entries"]
        body = {"entries": entries, "packs": pack_list(entries)}
        body_cbor = gf.cbor(body)
        header = {"version": SIGNED_VERSION, "locator": locator, "writer": pub[signer]}
        header.update(meta)
        header.update({"files": snap["files"], "bytes": snap["bytes"]})
        header, header_cbor, signature, compressed, env = envelope(header, body_cbor, signer)
        env_cbor = gf.cbor(env)
        assert not env_cbor.startswith(bytes.fromhex("28b52ffd"))  # not a v1 manifest
        obj, _ = sealer.object("snapshots", env_cbor, "signed/" + label)
        store.append(obj["store_key"])
        # The body alone restores the files: every chunk is in a listed pack.
        located = {e["id"] for p in body["packs"] for e in p["chunks"]}
        files = {bytes.fromhex(f["path_hex"]): bytes.fromhex(f["content_hex"]) for f in base["files"]}
        for e in entries:
            if e["kind"] == "file":
                ids = chunk_ids(e)
                assert all(i in located for i in ids)
                assert b"".join(chunk(i) for i in ids) == files[e["path"]]
        out = {
            "role": role,
            "signer": signer,
            "expect_trust": expect_trust,
            "header": header_json(header),
            "header_cbor_hex": header_cbor.hex(),
            "signature_hex": signature.hex(),
            "body": {
                "entries": base["snapshot"]["entries"],
                "packs": [dict(p, chunks=[gf.entry_json(e) for e in p["chunks"]]) for p in body["packs"]],
            },
            "body_cbor_hex": body_cbor.hex(),
            "body_zstd_hex": compressed.hex(),
            "envelope_cbor_hex": env_cbor.hex(),
            "in_store": True,
            "object": obj,
            "files": base["files"],
        }
        if why:
            out["untrusted_because"] = why
        return out, (header, header_cbor, signature, compressed, env, body_cbor)

    snap_a, snap_b = snapshot_json["snapshots"]
    time_w = 1767355200  # 2026-01-02T12:00:00Z
    good, good_parts = manifest(
        "manifest writer", "the trusted manifest, and `latest`: \"writer\"'s first (seq 1, "
        "prev null), the entries of snapshot.json's snapshot B", "writer", snap_b,
        {"seq": 1, "prev": None, "time": time_w, "nanos": 500000000,
         "tags": ["vectors", "signed"], "expires_at": snap_b["snapshot"]["expires_at"]},
        "trusted")
    uncertified, _ = manifest(
        "manifest uncertified", "fail case: signed by \"uncertified\", a writer no certificate "
        "of this phrase's authority names (the newest manifest of the store, so it would be "
        "`latest` if it were trusted)", "uncertified", snap_a,
        {"seq": 1, "prev": None, "time": 1767441600, "nanos": 0, "tags": [],
         "expires_at": None},  # 2026-01-03T12:00:00Z
        "untrusted", "not certified")
    lost, _ = manifest(
        "manifest lost", "fail case: signed by \"lost\" after its revocation's as_of",
        "lost", snap_a,
        {"seq": 1, "prev": None, "time": 1767362400, "nanos": 0, "tags": [],
         "expires_at": None},  # 2026-01-02T14:00:00Z
        "untrusted", "revoked")
    manifests = [good, uncertified, lost]

    # --- the seal -----------------------------------------------------------
    head = good["object"]["name"]
    seal = {"version": SIGNED_VERSION, "locator": locator, "writer": pub["writer"], "seq": 2,
            "head": head, "time": time_w + 3600}
    seal_vector = signed("seal", "seals", "writer", seal, dict(seal, writer=pub["writer"].hex()),
                         "seal writer", True,
                         "\"writer\"'s depart: ends its chain at the trusted manifest (seq = "
                         "its seq + 1)")
    seal_vector["seal_code"] = seal_code(head)
    seals = [seal_vector]

    # --- fail cases that stay out of the store --------------------------------
    header, header_cbor, signature, compressed, env, body_cbor = good_parts
    fail_cases = [
        {"name": "fail_uncertified_writer", "expect": "untrusted",
         "manifest": uncertified["object"]["name"],
         "note": "manifests[1]: its header signature verifies (by the writer it names), but no "
                 "certificate signed by this phrase's authority names that writer"},
        {"name": "fail_foreign_authority", "expect": "no_certificate",
         "certificate": certificates[2]["object"]["name"],
         "note": "certificates[2]: a well-formed certificate whose signature verifies with "
                 "other_authority's key, not with authority's"},
        {"name": "fail_revoked_writer", "expect": "untrusted",
         "manifest": lost["object"]["name"],
         "note": "manifests[2]: its writer is certified, but revoked as of a time before its own"},
    ]

    def sealed_case(name, expect, env_cbor, note, **extra):
        obj, _ = sealer.object("snapshots", env_cbor, "signed/" + name)
        fail_cases.append(dict({"name": name, "expect": expect, "note": note}, **extra,
                               envelope_cbor_hex=env_cbor.hex(), in_store=False, object=obj))

    # A body that is not the one the header commits to: "lost"'s body, the
    # same writer's header and signature (valid).
    entries_a = cbor2.loads(bytes.fromhex(snap_a["cbor_hex"]))["entries"]
    other_body = gf.cbor({"entries": entries_a, "packs": pack_list(entries_a)})
    other_zstd = gf.zstd3(other_body)
    assert blake3.blake3(other_zstd).digest() != header["body_hash"]
    swapped = dict(env, body=other_zstd)
    sealed_case("fail_body_hash", "body_hash", gf.cbor(swapped),
                "the trusted manifest's header and signature (which verify) with another body "
                "(zstd of the body of manifests[2]): BLAKE3 of the body is not the header's "
                "body_hash",
                header_cbor_hex=header_cbor.hex(), signature_hex=signature.hex(),
                body_zstd_hex=other_zstd.hex(), body_cbor_hex=other_body.hex())
    flipped_sig = bytearray(signature)
    flipped_sig[0] ^= 0x01
    flipped_sig = bytes(flipped_sig)
    assert not verifies(pub["writer"], CONTEXTS["manifest_header"], header_cbor, flipped_sig)
    flipped = dict(env, header={"body": header_cbor, "signature": flipped_sig})
    sealed_case("fail_flipped_signature_bit", "signature", gf.cbor(flipped),
                "the trusted manifest with bit 0 of byte 0 of its header signature flipped: the "
                "signature does not verify, so nothing of the manifest is read",
                header_cbor_hex=header_cbor.hex(), signature_hex=flipped_sig.hex(),
                body_zstd_hex=compressed.hex())
    # Domain separation: the certificate's body and signature, read as another kind.
    cert0 = certificates[0]
    for kind, context in CONTEXTS.items():
        ok = verifies(pub["authority"], context, bytes.fromhex(cert0["body_cbor_hex"]),
                      bytes.fromhex(cert0["signature_hex"]))
        assert ok == (kind == "certificate")
    fail_cases.append({
        "name": "fail_certificate_as_revocation", "expect": "no_revocation",
        "certificate": cert0["object"]["name"],
        "note": "certificates[0] read as a revocation: its signature is over the certificate "
                "context, so it does not verify with the revocation context (nor as a seal or "
                "a manifest header)"})

    # --- the store ----------------------------------------------------------
    trust = {s["object"]["name"]: {"trust": "unsigned"} for s in snapshot_json["snapshots"]}
    for m in manifests:
        trust[m["object"]["name"]] = dict(
            {"trust": m["expect_trust"]},
            **({"untrusted_because": m["untrusted_because"]} if m["expect_trust"] != "trusted" else {}),
            writer=m["header"]["writer"][:16], seq=m["header"]["seq"])
    store_json = {
        "note": "Copy tests/vectors/repo-v1 and add each object named in `add` (its sealed_hex "
                "at its store_key): a repository whose version-1 snapshots are unsigned and "
                "whose signed history has one trusted manifest. `latest` is the trusted one; "
                "`manifests` gives each manifest's judgement (untrusted_because: a word the "
                "reason contains).",
        "add": sorted(store),
        "latest": head,
        "seal_code": seal_vector["seal_code"],
        "manifests": trust,
    }
    seal_codes = [{"head": name, "code": seal_code(name)} for name in sorted(trust)]

    signed_json = {
        "description": "Signed history (docs/format.md, Signed history (format 2)). A signed "
                       "object is cbor({body, signature}) with signature = Ed25519 over "
                       "context || body (contexts below, with their final NUL); it is sealed "
                       "like every object. A version-2 manifest's sealed plaintext is "
                       "cbor({version: 2, header: {body: cbor(ManifestHeader), signature}, "
                       "body: zstd(cbor({entries, packs}))}). Keys and hashes are hex strings; "
                       "other byte strings are hex in fields ending in _hex.",
        "key": dict(gf.public_key_view(keys), authority_public=pub["authority"].hex()),
        "contexts": {k: v.decode() for k, v in CONTEXTS.items()},
        "authority": {"label": AUTHORITY_LABEL, "keys_json_vector": gf.REPO_PHRASE,
                      "public": pub["authority"].hex()},
        "other_authority": {"keys_json_vector": gf.OTHER_PHRASE,
                            "public": pub["other_authority"].hex()},
        "writers": writers,
        "certificates": certificates,
        "revocations": revocations,
        "manifests": manifests,
        "seals": seals,
        "seal_code_label": SEAL_CODE_LABEL,
        "seal_codes": seal_codes,
        "fail_cases": fail_cases,
        "store": store_json,
    }
    with open(os.path.join(HERE, "signed.json"), "w") as f:
        json.dump(signed_json, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{sealer.count} objects sealed; {len(store)} added to repository {locator}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
