#!/usr/bin/env python3
"""Independent reference implementation of docs/format.md (repository format
version 1), used to produce the format test vectors in tests/vectors/:

    seal.json       sealed objects (config, small payloads) and fail_* cases
    pack.json       two packs: sealed bytes, payload layout, blobs, chunks
    index.json      two index objects, one per pack
    snapshot.json   two snapshot manifests and the files they restore to
    repo-v1/        the same objects as a store: repo-v1/<locator>/config,
                    data/<2 hex>/<name>, index/<name>, snapshots/<name>

(generate_signed.py imports this module's sealing for the format-2 vectors,
signed.json, whose manifests name these packs.)

It shares no code with crossing (which is Rust): age encryption is written
out below from the age v1 specification (age-encryption.org/v1) over the
`cryptography` package's X25519, HKDF-SHA256, HMAC-SHA256 and
ChaCha20-Poly1305; CBOR comes from `cbor2`, zstd from `zstandard` (libzstd),
BLAKE3 from `blake3`, Bech32 from `bech32`. Every sealed object is checked to
decrypt (or to fail, for the fail_* cases) with two other age
implementations, the pure-Python `age` package and `pyrage` (rage), and
every CBOR/zstd payload is decoded back and compared.

The keys are those of tests/vectors/keys.json (made by generate_keys.py):
the repository belongs to its fifth phrase ("void come effort ..."); the
wrong-key case is sealed to its second ("legal winner ...").

All randomness (age file keys, ephemeral X25519 secrets, payload nonces,
grease stanzas, random chunk content) is drawn from BLAKE3 in XOF mode over
a fixed label per use, so running the script again reproduces every file
byte for byte:

    python3 -m venv /tmp/venv
    /tmp/venv/bin/pip install cryptography cbor2 zstandard blake3 bech32 age pyrage
    /tmp/venv/bin/python tests/vectors/generate_format.py

(run from the repository root; it rewrites the files listed above and
removes anything else under tests/vectors/repo-v1). Test vectors only: a
real age encryption must use fresh random keys and nonces.
"""
import base64
import contextlib
import hashlib
import hmac
import io
import json
import os
import shutil
import struct
import sys

import blake3
import cbor2
import zstandard
from bech32 import bech32_encode, convertbits
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_PHRASE = 4  # index in keys.json
OTHER_PHRASE = 1
BACKUP_IDENTITY_LABEL = "crossing 2026-11-26 backup age identity v1"
FORMAT_VERSION = 1


# ---------------------------------------------------------------- randomness


def rand(label, n):
    """Deterministic "random" bytes for test vectors: BLAKE3-XOF(label)."""
    return blake3.blake3(b"crossing format test vectors v1: " + label.encode()).digest(length=n)


# ---------------------------------------------------------------- keys


def load_keys(index):
    with open(os.path.join(HERE, "keys.json")) as f:
        v = json.load(f)["vectors"][index]
    master = bytes.fromhex(v["master_seed"])
    secret = blake3.blake3(master, derive_key_context=BACKUP_IDENTITY_LABEL).digest()
    public = X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes_raw()
    recipient = bech32_encode("age", convertbits(public, 8, 5))
    assert recipient == v["backup_recipient"], "keys.json disagrees with this derivation"
    identity = bech32_encode("age-secret-key-", convertbits(secret, 8, 5)).upper()
    return {
        "phrase": v["phrase"],
        "keys_json_vector": index,
        "identity": identity,
        "recipient": recipient,
        "locator": v["locator"],
        "dedup_key": v["dedup_key"],
        "_public": public,
    }


def public_key_view(keys):
    return {k: v for k, v in keys.items() if not k.startswith("_")}


# ---------------------------------------------------------------- age v1


def hkdf(ikm, salt, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def b64(data):
    return base64.b64encode(data).rstrip(b"=")


def stanza(args, body):
    out = b"-> " + b" ".join(args) + b"\n"
    enc = b64(body)
    lines = [enc[i : i + 64] for i in range(0, len(enc), 64)]
    if not lines or len(lines[-1]) == 64:
        lines.append(b"")  # the last body line is always shorter than 64 columns
    return out + b"".join(line + b"\n" for line in lines)


def age_encrypt(plaintext, recipient_public, label, grease_len):
    """age v1, one X25519 recipient plus one grease stanza (as the age crate
    writes one), with deterministic randomness drawn from `label`."""
    file_key = rand(label + "/file key", 16)
    ephemeral = X25519PrivateKey.from_private_bytes(rand(label + "/ephemeral secret", 32))
    share = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    wrap_key = hkdf(shared, share + recipient_public, b"age-encryption.org/v1/X25519")
    wrapped = ChaCha20Poly1305(wrap_key).encrypt(bytes(12), file_key, None)
    header = b"age-encryption.org/v1\n" + stanza([b"X25519", b64(share)], wrapped)
    if grease_len is not None:
        header += stanza([b"vectors-grease", b64(rand(label + "/grease arg", 6))],
                         rand(label + "/grease body", grease_len))
    header += b"---"
    mac = hmac.new(hkdf(file_key, b"", b"header"), header, hashlib.sha256).digest()
    header += b" " + b64(mac) + b"\n"
    nonce = rand(label + "/payload nonce", 16)
    aead = ChaCha20Poly1305(hkdf(file_key, nonce, b"payload"))
    size = 64 * 1024
    pieces = [plaintext[i : i + size] for i in range(0, len(plaintext), size)] or [b""]
    body = b""
    for counter, piece in enumerate(pieces):
        last = b"\x01" if counter == len(pieces) - 1 else b"\x00"
        body += aead.encrypt(counter.to_bytes(11, "big") + last, piece, None)
    return header + nonce + body


def header_length(sealed):
    end = sealed.index(b"\n---")
    return sealed.index(b"\n", end + 1) + 1


# ---------------------------------------------------------------- other age implementations


def check_with_pyrage(sealed, identity):
    import pyrage

    try:
        return ("ok", pyrage.decrypt(sealed, [pyrage.x25519.Identity.from_str(identity)]))
    except pyrage.DecryptError as e:
        return ("no_matching_identity" if "No matching keys" in str(e) else "decrypt", None)


def check_with_pyage(sealed, identity):
    from age.exceptions import NoIdentity
    from age.file import Decryptor
    from age.keys.agekey import AgePrivateKey

    key = AgePrivateKey.from_private_string(identity.lower())
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # "Ignoring unknown recipient type"
            return ("ok", Decryptor([key], io.BytesIO(sealed)).read())
    except NoIdentity:
        return ("no_matching_identity", None)
    except Exception:
        return ("decrypt", None)


# ---------------------------------------------------------------- framing (docs/format.md §Sealing)


def padme(length):
    if length < 2:
        return length
    e = length.bit_length() - 1  # floor(log2 L)
    s = e.bit_length()  # floor(log2 E) + 1
    mask = (1 << (e - s)) - 1
    return (length + mask) & ~mask


def padded_len(length):
    return min(padme(length), -(-length // 65536) * 65536)


def frame(payload):
    total = padded_len(len(payload) + 8)
    return payload + bytes(total - 8 - len(payload)) + struct.pack("<Q", len(payload))


def unframe(framed):
    """The reader's checks; returns None where the framing is rejected."""
    if len(framed) < 8:
        return None
    n = struct.unpack("<Q", framed[-8:])[0]
    split = len(framed) - 8
    if n > split or any(framed[n:split]) or len(framed) != padded_len(n + 8):
        return None
    return framed[:n]


assert [padme(x) for x in (9, 100, 1000, 1_000_000, 8_000_000)] == [
    10, 104, 1024, 1_015_808, 8_126_464]
assert padded_len(8_000_000) == 8_060_928


# ---------------------------------------------------------------- objects


class Sealer:
    def __init__(self, keys):
        self.keys = keys
        self.count = 0

    def seal_framed(self, framed, label, recipient_public=None):
        """Encrypts an already framed plaintext (possibly a bad framing)."""
        self.count += 1
        grease = 13 + rand(label + "/grease length", 1)[0] % 90
        sealed = age_encrypt(framed, recipient_public or self.keys["_public"], label, grease)
        # docs/format.md's stored size: H + 16 + F + 16 * ceil(F / 65536), H = 168 + grease
        # (age writes one, empty, STREAM chunk for F = 0).
        grease_stanza = len(stanza([b"vectors-grease", b64(bytes(6))], bytes(grease)))
        chunks = max(1, -(-len(framed) // 65536))
        assert header_length(sealed) == 168 + grease_stanza
        assert len(sealed) == header_length(sealed) + 16 + len(framed) + 16 * chunks
        return sealed

    def object(self, kind, payload, label):
        framed = frame(payload)
        assert unframe(framed) == payload
        sealed = self.seal_framed(framed, label)
        name = blake3.blake3(sealed).hexdigest()
        loc = self.keys["locator"]
        key = {
            "config": f"{loc}/config",
            "data": f"{loc}/data/{name[:2]}/{name}",
            "index": f"{loc}/index/{name}",
            "snapshots": f"{loc}/snapshots/{name}",
            # format 2 (generate_signed.py)
            "writers": f"{loc}/writers/{name}",
            "revocations": f"{loc}/revocations/{name}",
            "seals": f"{loc}/seals/{name}",
        }[kind]
        for check in (check_with_pyrage, check_with_pyage):
            assert check(sealed, self.keys["identity"]) == ("ok", framed), (label, check)
        obj = {"store_key": key}
        if kind != "config":
            obj["name"] = name
        obj.update({
            "sealed_size": len(sealed),
            "sealed_hex": sealed.hex(),
            "framed_hex": framed.hex(),
            "payload_hex": payload.hex(),
        })
        return obj, sealed


def cbor(value):
    out = cbor2.dumps(value)  # dicts keep insertion order: the field order of docs/format.md
    assert cbor2.loads(out) == value
    return out


def zstd3(data):
    out = zstandard.ZstdCompressor(level=3).compress(data)  # one frame
    assert zstandard.ZstdDecompressor().decompress(out) == data
    return out


def entry_cbor(e):
    return {"id": e["id"], "offset": e["offset"], "length": e["length"],
            "raw_length": e["raw_length"]}


def entry_json(e):
    return {"id": e["id"].hex(), "offset": e["offset"], "length": e["length"],
            "raw_length": e["raw_length"]}


# ---------------------------------------------------------------- the repository


def main():
    keys = load_keys(REPO_PHRASE)
    other = load_keys(OTHER_PHRASE)
    dedup = bytes.fromhex(keys["dedup_key"])
    sealer = Sealer(keys)
    store_files = {}

    def chunk_id(data):
        return blake3.blake3(data, key=dedup).digest()

    # --- seal.json --------------------------------------------------------
    config = {"version": FORMAT_VERSION, "chunk_min": 262144, "chunk_avg": 1048576,
              "chunk_max": 4194304}
    config_obj, config_sealed = sealer.object("config", cbor(config), "config")
    store_files[config_obj["store_key"]] = config_sealed

    cases = [dict({"name": "config", "expect": "ok", "config": config}, **config_obj)]

    def valid_case(name, payload, note):
        framed = frame(payload)
        sealed = sealer.seal_framed(framed, "seal/" + name)
        cases.append({"name": name, "note": note, "expect": "ok",
                      "sealed_hex": sealed.hex(), "framed_hex": framed.hex(),
                      "payload_hex": payload.hex()})
        return sealed

    text = b"crossing format v1 test vector: a small arbitrary payload, 92 bytes long, framed to 104 B.\r\n"
    assert len(text) == 92
    valid_case("empty", b"", "empty payload: the frame is u64le(0) alone (padded_len(8) = 8)")
    valid_case("five_bytes", b"hello", "padded_len(13) = 14: one zero byte of padding")
    text_sealed = valid_case("text_92", text, "docs/format.md's example: 92 + 4 zeros + u64le(92)")
    valid_case("zeros_96", bytes(96),
               "a payload that ends in zeros: 96 bytes, no padding (padded_len(104) = 104)")

    def fail_sealed(name, sealed, expect, note, framed=None, sealed_to=None):
        case = {"name": name, "note": note, "expect": expect, "sealed_hex": sealed.hex()}
        if framed is not None:
            case["framed_hex"] = framed.hex()
        if sealed_to is not None:
            case["sealed_to"] = sealed_to
        cases.append(case)

    def fail_framing(name, framed, note):
        assert unframe(framed) is None
        fail_sealed(name, sealer.seal_framed(framed, "seal/" + name), "framing", note, framed)

    framed_text = frame(text)
    fail_sealed("fail_wrong_key",
                sealer.seal_framed(framed_text, "seal/fail_wrong_key", other["_public"]),
                "no_matching_identity",
                "a valid object sealed to another pseudonym's recipient (keys.json "
                f"vectors[{OTHER_PHRASE}], \"legal winner ...\"); no stanza opens with this "
                "identity",
                framed_text, other["recipient"])
    hl = header_length(text_sealed)
    flipped = bytearray(text_sealed)
    flipped[hl + 16 + 10] ^= 0x01  # inside the first (only) STREAM chunk's ciphertext
    fail_sealed("fail_flipped_ciphertext_byte", bytes(flipped), "decrypt",
                f"text_92 with bit 0 of byte {hl + 16 + 10} (payload ciphertext) flipped: "
                "the ChaCha20-Poly1305 tag does not verify")
    mac_at = text_sealed.index(b"\n--- ") + 5
    tampered = bytearray(text_sealed)
    tampered[mac_at] = ord("A") if tampered[mac_at] != ord("A") else ord("B")
    fail_sealed("fail_header_mac", bytes(tampered), "decrypt",
                f"text_92 with the first base64 character of the header MAC (byte {mac_at}) "
                "replaced: the header MAC does not verify")
    fail_sealed("fail_truncated", text_sealed[:-1], "decrypt",
                "text_92 without its last byte: the last STREAM chunk does not verify")

    bad = bytearray(framed_text)
    bad[95] = 0x01
    fail_framing("fail_nonzero_padding", bytes(bad),
                 "text_92's frame with its last padding byte (index 95) set to 01")
    fail_framing("fail_length_beyond_frame", framed_text[:-8] + struct.pack("<Q", 97),
                 "104-byte frame whose length field says 97 > 104 - 8")
    fail_framing("fail_length_overflow", framed_text[:-8] + struct.pack("<Q", 2**64 - 1),
                 "104-byte frame whose length field is 2^64 - 1 (a reader must not overflow)")
    fail_framing("fail_padding_too_short", text + struct.pack("<Q", 92),
                 "92 bytes + u64le(92) with no padding: 100 bytes, but padded_len(100) = 104")
    fail_framing("fail_padding_too_long", text + bytes(12) + struct.pack("<Q", 92),
                 "92 bytes, 12 zero bytes, u64le(92): 112 bytes, but padded_len(100) = 104")
    fail_framing("fail_frame_shorter_than_8", bytes(7),
                 "7 bytes of plaintext: no room for the length field")
    fail_framing("fail_empty_plaintext", b"", "a valid age file of an empty plaintext")

    for case in cases:
        sealed = bytes.fromhex(case["sealed_hex"])
        framed = bytes.fromhex(case["framed_hex"]) if "framed_hex" in case else None
        for check in (check_with_pyrage, check_with_pyage):
            got = check(sealed, keys["identity"])
            if case["expect"] in ("ok", "framing"):
                assert got == ("ok", framed), (case["name"], check)
                assert (unframe(framed) is None) == (case["expect"] == "framing")
            else:
                assert got[0] == case["expect"], (case["name"], check, got)
        if case["name"] == "fail_wrong_key":
            assert check_with_pyrage(sealed, other["identity"]) == ("ok", framed)

    seal_json = {
        "description": "Sealed objects (docs/format.md, Sealing). Open each case's sealed "
                       "bytes with `key.identity`. expect = ok: decrypts to framed, which "
                       "unframes to payload; no_matching_identity: no stanza opens with the "
                       "identity; decrypt: age decryption fails (header MAC or payload tag); "
                       "framing: decrypts to framed, which the reader must reject.",
        "key": public_key_view(keys),
        "cases": cases,
    }

    # --- chunks and packs -------------------------------------------------
    hello = b"".join(b"line %03d: crossing keeps encrypted, deduplicated backups.\n" % i
                     for i in range(1, 31))
    chunks = {
        "text": (hello, "30 lines of text, the content of notes/hello.txt"),
        "random3000": (rand("chunk random3000", 3000),
                       "3000 bytes of BLAKE3-XOF(\"crossing format test vectors v1: chunk random3000\")"),
        "random1200": (rand("chunk random1200", 1200),
                       "1200 bytes of BLAKE3-XOF(\"crossing format test vectors v1: chunk random1200\")"),
        "zeros8192": (bytes(8192), "8192 zero bytes"),
    }

    def make_pack(label, members):
        blobs = b""
        entries = []
        described = []
        for key in members:
            data, note = chunks[key]
            packed = zstd3(data)
            # The writer's rule for chunks up to 128 KiB: compressed at level 3
            # and kept compressed only if strictly shorter.
            stored = "zstd" if len(packed) < len(data) else "raw"
            blob = packed if stored == "zstd" else data
            e = {"id": chunk_id(data), "offset": len(blobs), "length": len(blob),
                 "raw_length": len(data)}
            entries.append(e)
            described.append(dict(entry_json(e), stored=stored, chunk=key, chunk_note=note,
                                  blob_hex=blob.hex(), chunk_hex=data.hex()))
            blobs += blob
        header = {"version": FORMAT_VERSION, "chunks": [entry_cbor(e) for e in entries]}
        header_cbor = cbor(header)
        payload = blobs + header_cbor + struct.pack("<I", len(header_cbor))
        obj, sealed = sealer.object("data", payload, label)
        store_files[obj["store_key"]] = sealed
        return {
            "object": obj,
            "layout": {
                "blobs_end": len(blobs),
                "header_offset": len(blobs),
                "header_length": len(header_cbor),
                "trailer_hex": struct.pack("<I", len(header_cbor)).hex(),
            },
            "header_cbor_hex": header_cbor.hex(),
            "header": {"version": FORMAT_VERSION, "chunks": [entry_json(e) for e in entries]},
            "blobs": described,
        }, entries

    # Two backups, as they leave the store (no prune since):
    # backup A, lasting, wrote pack 1, index A and snapshot A;
    # backup B, disappearing, reused pack 1's chunk and wrote pack 2, index B
    # and snapshot B (`latest`).
    pack1, entries1 = make_pack("pack lasting", ["random3000"])
    pack2, entries2 = make_pack("pack disappearing", ["text", "random1200", "zeros8192"])
    stored = {b["stored"] for p in (pack1, pack2) for b in p["blobs"]}
    assert stored == {"zstd", "raw"}

    time_a = 1767182400  # 2025-12-31T12:00:00Z
    time_b, nanos_b = 1767268800, 123456789  # 2026-01-01T12:00:00.123456789Z
    expires_at = time_b + 7 * 86400

    pack_json = {
        "description": "Packs (docs/format.md, Packs): payload = blobs || cbor(PackHeader) || "
                       "u32le(len(cbor(PackHeader))), sealed; the name is BLAKE3 of the sealed "
                       "bytes. Chunk IDs are BLAKE3 keyed with key.dedup_key.",
        "key": public_key_view(keys),
        "packs": [dict({"role": "written by backup A (lasting): no expiry in its index"}, **pack1),
                  dict({"role": f"written by backup B (disappearing): expires_at {expires_at} "
                                "in its index"}, **pack2)],
    }

    # --- indexes ----------------------------------------------------------
    def make_index(label, role, members):
        index = {"version": FORMAT_VERSION, "packs": []}
        listed = []
        for pack, entries_, expiry in members:
            ip = {"id": pack["object"]["name"], "size": pack["object"]["sealed_size"],
                  "chunks": [entry_cbor(e) for e in entries_]}
            jp = dict(ip, chunks=[entry_json(e) for e in entries_])
            if expiry is not None:
                ip["expires_at"] = jp["expires_at"] = expiry  # absent for a lasting pack
            index["packs"].append(ip)
            listed.append(jp)
        index_cbor = cbor(index)
        obj, sealed = sealer.object("index", zstd3(index_cbor), label)
        store_files[obj["store_key"]] = sealed
        return {"role": role, "object": obj, "cbor_hex": index_cbor.hex(),
                "index": {"version": FORMAT_VERSION, "packs": listed}}

    index_json = {
        "description": "Index objects (docs/format.md, Index objects): payload = "
                       "zstd(cbor(Index)). Index A's pack has no expires_at key, index B's has one.",
        "key": public_key_view(keys),
        "indexes": [
            make_index("index A", "written by backup A", [(pack1, entries1, None)]),
            make_index("index B", "written by backup B", [(pack2, entries2, expires_at)]),
        ],
    }

    # --- snapshots --------------------------------------------------------
    def ids(*keys_):
        return b"".join(chunk_id(chunks[k][0]) for k in keys_)

    by_id = {}  # every chunk, rebuilt the way a reader would, from the sealed packs
    for pack in (pack1, pack2):
        payload = bytes.fromhex(pack["object"]["payload_hex"])
        for e in pack["header"]["chunks"]:
            blob = payload[e["offset"] : e["offset"] + e["length"]]
            raw = blob if e["length"] == e["raw_length"] else \
                zstandard.ZstdDecompressor().decompress(blob)
            assert len(raw) == e["raw_length"] and chunk_id(raw).hex() == e["id"]
            by_id[e["id"]] = raw

    def make_snapshot(label, role, meta, entries, files):
        cbor_entries = []
        json_entries = []
        for path, kind, mode, mtime_ns, target in entries:
            content, chunk_ids = files.get(path, (b"", b""))
            e = {"path": path, "kind": kind, "mode": mode, "mtime_ns": mtime_ns,
                 "size": len(content)}
            if target:
                e["target"] = target  # absent when empty
            if chunk_ids:
                e["chunks"] = chunk_ids  # absent when empty
            cbor_entries.append(e)
            je = {"path_hex": path.hex(), "path": path.decode("utf-8", "backslashreplace"),
                  "kind": kind, "mode": mode, "mtime_ns": mtime_ns, "size": len(content)}
            if target:
                je["target_hex"] = target.hex()
            if chunk_ids:
                je["chunks"] = [chunk_ids[i : i + 32].hex() for i in range(0, len(chunk_ids), 32)]
            json_entries.append(je)
            if kind == "file":
                got = b"".join(by_id[chunk_ids[i : i + 32].hex()]
                               for i in range(0, len(chunk_ids), 32))
                assert got == content, path
        snapshot = dict({"version": FORMAT_VERSION}, **meta)
        snapshot.update({"files": len(files), "bytes": sum(len(c) for c, _ in files.values()),
                         "entries": cbor_entries})
        snapshot_cbor = cbor(snapshot)
        obj, sealed = sealer.object("snapshots", zstd3(snapshot_cbor), label)
        store_files[obj["store_key"]] = sealed
        return {
            "role": role,
            "object": obj,
            "cbor_hex": snapshot_cbor.hex(),
            "snapshot": dict(snapshot, entries=json_entries),
            "files": [{"path_hex": p.hex(), "size": len(c), "content_hex": c.hex()}
                      for p, (c, _) in files.items()],
        }

    base_a = 1767181000 * 10**9
    snapshot_a = make_snapshot(
        "snapshot A", "backup A: lasting (expires_at null), nanos 0, no tags",
        {"time": time_a, "nanos": 0, "tags": [], "expires_at": None},
        [
            # path, kind, mode, mtime_ns, symlink target
            (b"", "dir", 0o755, base_a, b""),
            (b"notes", "dir", 0o700, base_a + 1_000_000_000, b""),
            (b"notes/random.bin", "file", 0o400, base_a + 2_000_000_000, b""),
        ],
        {b"notes/random.bin": (chunks["random3000"][0], ids("random3000"))},
    )
    base_b = 1767268000 * 10**9
    cafe = bytes(8192) + chunks["random1200"][0] + chunks["random3000"][0]
    snapshot_b = make_snapshot(
        "snapshot B", "backup B: disappearing, the latest",
        {"time": time_b, "nanos": nanos_b, "tags": ["vectors", "dépôt"],
         "expires_at": expires_at},
        [
            (b"", "dir", 0o755, base_b + 500_000_000, b""),
            (b"caf\xe9.bin", "file", 0o640, base_b + 1, b""),
            (b"empty", "file", 0o600, -1_500_000_000, b""),  # 1969-12-31T23:59:58.5Z
            (b"link", "symlink", 0o777, base_b + 2_000_000_000, b"caf\xe9.bin"),
            (b"notes", "dir", 0o750, base_b + 3_000_000_000, b""),
            (b"notes/hello.txt", "file", 0o644, base_b + 4_999_999_999, b""),
            (b"notes/random.bin", "file", 0o400, base_a + 2_000_000_000, b""),
        ],
        {
            b"caf\xe9.bin": (cafe, ids("zeros8192", "random1200", "random3000")),
            b"empty": (b"", b""),
            b"notes/hello.txt": (hello, ids("text")),
            b"notes/random.bin": (chunks["random3000"][0], ids("random3000")),
        },
    )
    snapshot_json = {
        "description": "Snapshot manifests (docs/format.md, Snapshot manifests): payload = "
                       "zstd(cbor(Snapshot)). Each one's `files` gives the content its file "
                       "entries restore to, from the chunks of pack.json. `latest` names the "
                       "snapshot crossing restores by default.",
        "key": public_key_view(keys),
        "latest": snapshot_b["object"]["name"],
        "snapshots": [snapshot_a, snapshot_b],
    }

    # --- write ------------------------------------------------------------
    def write_json(name, value):
        with open(os.path.join(HERE, name), "w") as f:
            json.dump(value, f, indent=1, ensure_ascii=False)
            f.write("\n")

    write_json("seal.json", seal_json)
    write_json("pack.json", pack_json)
    write_json("index.json", index_json)
    write_json("snapshot.json", snapshot_json)
    root = os.path.join(HERE, "repo-v1")
    shutil.rmtree(root, ignore_errors=True)
    for key, data in sorted(store_files.items()):
        path = os.path.join(root, *key.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print(f"{sealer.count} objects sealed; repository {keys['locator']}: "
          + ", ".join(sorted(store_files)), file=sys.stderr)


if __name__ == "__main__":
    main()
