#!/usr/bin/env python3
"""Independent reference implementation of docs/format.md's version-3
manifests (section "Manifests (version 3)"), used to produce

    tests/vectors/tree.json   a version-3 repository's objects, decoded: the
                              config, the writer certificate, packs of file
                              chunks and list parts, indexes, two signed
                              version-3 manifests (depth 0 and depth 1, the
                              second sharing unchanged parts with the first)
                              with their levels, entry streams, entries and
                              the files they restore to; and fail_cases, the
                              manifests a reader must reject
    tests/vectors/repo-v3/    the good objects as a store:
                              repo-v3/<locator>/config, data/<2 hex>/<name>,
                              index/<name>, snapshots/<name>, writers/<name>

It was written from docs/format.md alone and shares no code with crossing
(which is Rust): CBOR from `cbor2`, zstd from `zstandard`, BLAKE3 from
`blake3`; sealing (framing, age v1, checked with the `age` and `pyrage`
packages) is generate_format.py's and Ed25519 (PyNaCl and OpenSSL) is
generate_signed.py's, both imported. The writer is generate_signed.py's
"writer" (its seed from the same label), certified again here for this
repository.

The entry stream and the levels are cut at hand-chosen places (docs: "any
cut is valid"), not by FastCDC, so the vectors stay small: parts of a few
bytes to a few hundred, one cut in the middle of an entry, one level cut in
the middle of a ref. Sealing randomness comes from BLAKE3-XOF over fixed
labels, so running the script again reproduces every file byte for byte:

    python3 -m venv /tmp/venv
    /tmp/venv/bin/pip install pynacl cryptography cbor2 zstandard blake3 bech32 age pyrage
    /tmp/venv/bin/python tests/vectors/generate_tree.py

(from the repository root; it rewrites tree.json and everything under
tests/vectors/repo-v3). Test vectors only: a real writer key is random.
"""
import io
import json
import os
import shutil
import struct
import sys

import blake3
import cbor2
import zstandard

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate_format as gf  # noqa: E402  (sealing, CBOR/zstd helpers)
import generate_signed as gs  # noqa: E402  (Ed25519, authority, contexts)

REPO_VERSION = 3  # the config's version
TREE_VERSION = 3  # envelope and header version of a version-3 manifest
PACK_VERSION = 1
INDEX_VERSION = 1
CERT_VERSION = 2
REF_LEN = 80
FANOUT = 256
MAX_DEPTH = 4
MAX_LENGTH = 2 << 30
LEVEL_PART_MAX = 128 * 1024
MAX_BLOB_LENGTH = 4 * 1024 * 1024 + 16 * 1024
CHUNK_MAX = 4 * 1024 * 1024


class Corrupt(Exception):
    """What a reader refuses (exit 6)."""


# ---------------------------------------------------------------- blob refs


def ref_bytes(entry, pack_name, pack_size):
    return (entry["id"] + bytes.fromhex(pack_name)
            + struct.pack("<IIII", pack_size, entry["offset"], entry["length"],
                          entry["raw_length"]))


def split_refs(level):
    if len(level) % REF_LEN:
        raise Corrupt(f"{len(level)} bytes of refs, not a multiple of {REF_LEN}")
    return [level[i : i + REF_LEN] for i in range(0, len(level), REF_LEN)]


def ref_json(r):
    assert len(r) == REF_LEN
    pack_size, offset, length, raw_length = struct.unpack("<IIII", r[64:])
    return {"id": r[:32].hex(), "pack": r[32:64].hex(), "pack_size": pack_size,
            "offset": offset, "length": length, "raw_length": raw_length,
            "ref_hex": r.hex()}


def cut(data, at):
    """`data` cut at the offsets `at` (increasing, inside data)."""
    bounds = [0] + list(at) + [len(data)]
    parts = [data[a:b] for a, b in zip(bounds, bounds[1:])]
    assert all(parts) and b"".join(parts) == data
    return parts


# ---------------------------------------------------------------- the reader


class Reader:
    """docs/format.md's reading of a version-3 list, over the packs' payloads
    (the generator keeps them; every sealed pack is also checked to open)."""

    def __init__(self, dedup, packs):
        self.dedup = dedup
        self.packs = packs  # name -> (payload, sealed size)

    def blob(self, r):
        ref = ref_json(r)
        pack = self.packs.get(ref["pack"])
        if pack is None:
            raise Corrupt("missing pack")
        payload, size = pack
        assert size == ref["pack_size"]
        if ref["length"] > MAX_BLOB_LENGTH or ref["raw_length"] > CHUNK_MAX:
            raise Corrupt("entry beyond the IndexEntry bounds")
        (header_len,) = struct.unpack("<I", payload[-4:])
        header_at = len(payload) - 4 - header_len
        if ref["offset"] + ref["length"] > header_at:
            raise Corrupt("blob beyond the pack's blobs")
        blob = payload[ref["offset"] : ref["offset"] + ref["length"]]
        if ref["length"] == ref["raw_length"]:
            raw = blob
        else:
            raw = zstandard.ZstdDecompressor().decompress(blob, max_output_size=ref["raw_length"])
        if len(raw) != ref["raw_length"]:
            raise Corrupt("raw_length")
        if blake3.blake3(raw, key=self.dedup).digest() != r[:32]:
            raise Corrupt("keyed hash is not the ref's id")
        return raw

    def read_list(self, listref):
        """The entry stream and every level's bytes, top first."""
        depth, length, level = listref["depth"], listref["length"], listref["parts"]
        if depth > MAX_DEPTH:
            raise Corrupt(f"depth {depth}")
        if length > MAX_LENGTH:
            raise Corrupt("length")
        if len(level) > FANOUT * REF_LEN:
            raise Corrupt("more than 256 refs in parts")
        levels = []
        for d in range(depth, -1, -1):
            refs = split_refs(level)
            levels.append((d, level))
            if d > 0 and sum(ref_json(r)["raw_length"] for r in refs) > LEVEL_PART_MAX * len(refs):
                raise Corrupt("level too large")
            level = b"".join(self.blob(r) for r in refs)
        if len(level) != length:
            raise Corrupt(f"stream of {len(level)} bytes, length {length}")
        return level, levels

    @staticmethod
    def decode_entries(stream):
        fp = io.BytesIO(stream)
        dec = cbor2.CBORDecoder(fp)
        out = []
        while fp.tell() < len(stream):
            e = dec.decode()
            if not isinstance(e, dict):
                raise Corrupt("not a map")
            if len(e.get("blobs", b"")) % REF_LEN:
                raise Corrupt("blobs not a whole number of refs")
            out.append(e)
        return out

    def manifest(self, env_cbor, writer_pub):
        env = cbor2.loads(env_cbor)
        header_cbor = env["header"]["body"]
        if not gs.verifies(writer_pub, gs.CONTEXTS["manifest_header"], header_cbor,
                           env["header"]["signature"]):
            raise Corrupt("signature")
        header = cbor2.loads(header_cbor)
        if env["version"] != header["version"]:
            raise Corrupt("envelope and header versions differ")
        if env["version"] != TREE_VERSION:
            raise Corrupt("not a version-3 manifest")
        if blake3.blake3(env["body"]).digest() != header["body_hash"]:
            raise Corrupt("body_hash")
        body_cbor = zstandard.ZstdDecompressor().decompress(env["body"])
        if len(body_cbor) != header["body_len"]:
            raise Corrupt("body_len")
        body = cbor2.loads(body_cbor)
        stream, levels = self.read_list(body["entries"])
        return header, body, stream, levels, self.decode_entries(stream)


# ---------------------------------------------------------------- the vectors


def main():
    keys = gf.load_keys(gf.REPO_PHRASE)
    locator = keys["locator"]
    dedup = bytes.fromhex(keys["dedup_key"])
    sealer = gf.Sealer(keys)
    store_files = {}  # store key -> sealed bytes (repo-v3)
    payloads = {}  # pack name -> (payload, sealed size), every pack made
    reader = Reader(dedup, payloads)
    authority = gs.authority_seed(gf.REPO_PHRASE)
    writer_label = "signed/writer seed writer"  # generate_signed.py's "writer"
    writer_seed = gf.rand(writer_label, 32)
    writer_pub = gs.public_of(writer_seed)

    def keyed(data):
        return blake3.blake3(data, key=dedup).digest()

    def sealed(folder, payload, label, in_store=True):
        label = "tree/" + label
        # The pure-Python `age` package (one of the two checks) misreads a
        # stanza whose body fills its last 64-column line (a grease body of
        # a multiple of 48 bytes), which age and rage accept: such labels
        # get a suffix, so every object is checked by both.
        while (13 + gf.rand(label + "/grease length", 1)[0] % 90) % 48 == 0:
            label += "'"
        obj, data = sealer.object(folder, payload, label)
        if in_store:
            store_files[obj["store_key"]] = data
        return obj

    # --- config and certificate ------------------------------------------
    config = {"version": REPO_VERSION, "chunk_min": 262144, "chunk_avg": 1048576,
              "chunk_max": 4194304}
    config_json = {"config": config, "object": sealed("config", gf.cbor(config), "config")}

    issued_at = 1767520800  # 2026-01-04T10:00:00Z
    cert = {"version": CERT_VERSION, "locator": locator, "writer": writer_pub,
            "issued_at": issued_at}
    cert_cbor = gf.cbor(cert)
    cert_sig = gs.sign(authority, gs.CONTEXTS["certificate"], cert_cbor)
    cert_so = gf.cbor({"body": cert_cbor, "signature": cert_sig})
    certificate = {"role": "certifies \"writer\" for this repository (signed by the "
                           "phrase's authority)",
                   "certificate": dict(cert, writer=writer_pub.hex()),
                   "body_cbor_hex": cert_cbor.hex(), "signature_hex": cert_sig.hex(),
                   "signed_object_cbor_hex": cert_so.hex(),
                   "object": sealed("writers", cert_so, "certificate writer")}

    # --- packs -------------------------------------------------------------
    packs_json = []
    known = {}  # blob id -> its ref (80 bytes): the blobs a writer may name again

    class Pack:
        def __init__(self, label, role, in_store=True):
            self.label, self.role, self.in_store = label, role, in_store
            self.blobs = b""
            self.entries = []
            self.described = []
            self.name = None

        def add(self, data, what):
            packed = gf.zstd3(data)
            # The writer's rule for blobs up to 128 KiB: zstd level 3, kept
            # only if strictly shorter.
            stored = "zstd" if len(packed) < len(data) else "raw"
            blob = packed if stored == "zstd" else data
            e = {"id": keyed(data), "offset": len(self.blobs), "length": len(blob),
                 "raw_length": len(data)}
            self.entries.append(e)
            d = dict(gf.entry_json(e), stored=stored, what=what, blob_hex=blob.hex())
            if stored == "zstd":
                d["plain_hex"] = data.hex()  # a raw blob is its plaintext
            self.described.append(d)
            self.blobs += blob
            return e

        def seal(self):
            header = {"version": PACK_VERSION, "chunks": [gf.entry_cbor(e) for e in self.entries]}
            header_cbor = gf.cbor(header)
            payload = self.blobs + header_cbor + struct.pack("<I", len(header_cbor))
            obj = sealed("data", payload, self.label, self.in_store)
            self.name, self.size = obj["name"], obj["sealed_size"]
            payloads[self.name] = (payload, self.size)
            self.json = {
                "role": self.role, "object": obj,
                "layout": {"blobs_end": len(self.blobs), "header_offset": len(self.blobs),
                           "header_length": len(header_cbor),
                           "trailer_hex": struct.pack("<I", len(header_cbor)).hex()},
                "header_cbor_hex": header_cbor.hex(),
                "header": {"version": PACK_VERSION,
                           "chunks": [gf.entry_json(e) for e in self.entries]},
                "blobs": self.described,
            }
            if self.in_store:
                packs_json.append(self.json)
            for e in self.entries:
                known.setdefault(e["id"], ref_bytes(e, self.name, self.size))
            return self

        def ref(self, e):
            return ref_bytes(e, self.name, self.size)

    def store_parts(parts, label, role, what, in_store=True):
        """Stores the parts not already stored (as a writer does) in one new
        pack; returns their refs in order."""
        pack = Pack(label, role, in_store)
        pending = {}
        slots = []
        for p in parts:
            i = keyed(p)
            if i in known:
                slots.append(i)
            else:
                if i not in pending:
                    pending[i] = pack.add(p, what)
                slots.append(i)
        if pack.entries:
            pack.seal()
        return [known[i] for i in slots], pack if pack.entries else None

    def make_list(stream, stream_cuts, level_cuts, label, role, in_store=True):
        """The stream cut into parts, stored, with levels above them as
        needed; returns the ListRef, the levels (bottom first) and packs."""
        data, at, levels, new_packs = stream, stream_cuts, [], []
        while True:
            n = len(levels)
            what = "entry stream part" if n == 0 else f"part of level {n - 1}"
            refs, pack = store_parts(cut(data, at), f"{label} level {n}",
                                     f"{role}: {'list parts' if n == 0 else f'parts of level {n - 1}'}",
                                     what, in_store)
            if pack:
                new_packs.append(pack)
            level = b"".join(refs)
            levels.append(level)
            if len(refs) <= FANOUT:
                break
            data, at = level, level_cuts[n]
        return {"depth": len(levels) - 1, "length": len(stream), "parts": levels[-1]}, levels, new_packs

    # File content: chunks of two packs (backup 1) and one more (backup 2).
    hello = b"".join(b"line %03d: a version-3 manifest names its parts by blob refs.\n" % i
                     for i in range(1, 21))
    chunks = {
        "zeros8192": (bytes(8192), "8192 zero bytes"),
        "random1500": (gf.rand("tree/chunk random1500", 1500),
                       "1500 bytes of BLAKE3-XOF(\"crossing format test vectors v1: tree/chunk "
                       "random1500\")"),
        "random2500": (gf.rand("tree/chunk random2500", 2500),
                       "2500 bytes of BLAKE3-XOF(\"crossing format test vectors v1: tree/chunk "
                       "random2500\")"),
        "text": (hello, "20 lines of text, docs/readme.txt"),
        "news": (b"written by the second backup\n" * 8, "8 lines of text, many/000"),
    }
    chunk_entry = {}
    pack1 = Pack("pack 1", "backup 1: file chunks")
    pack2 = Pack("pack 2", "backup 1: file chunks")
    for pack, members in [(pack1, ["zeros8192", "random1500"]), (pack2, ["random2500", "text"])]:
        for k in members:
            chunk_entry[k] = (pack, pack.add(chunks[k][0], f"chunk {k}: {chunks[k][1]}"))
        pack.seal()

    def blobs_of(names):
        return b"".join(p.ref(e) for p, e in (chunk_entry[n] for n in names))

    def stored_entry(path, kind, mode, mtime_ns, target=b"", content=()):
        data = b"".join(chunks[c][0] for c in content)
        e = {"path": path, "kind": kind, "mode": mode, "mtime_ns": mtime_ns, "size": len(data)}
        if target:
            e["target"] = target  # absent when empty
        if content:
            e["blobs"] = blobs_of(content)  # absent when empty
        return e, data

    def entry_json(e):
        j = {"path_hex": e["path"].hex(), "path": e["path"].decode("utf-8", "backslashreplace"),
             "kind": e["kind"], "mode": e["mode"], "mtime_ns": e["mtime_ns"], "size": e["size"]}
        if "target" in e:
            j["target_hex"] = e["target"].hex()
        if "blobs" in e:
            j["blobs"] = [ref_json(r) for r in split_refs(e["blobs"])]
        j["cbor_hex"] = gf.cbor(e).hex()
        return j

    # --- manifest 1: depth 0 -------------------------------------------------
    t1 = 1767528000  # 2026-01-04T12:00:00Z
    base = 1767500000 * 10**9
    rows1 = [
        stored_entry(b"", "dir", 0o755, base + 100),
        stored_entry(b"caf\xe9.bin", "file", 0o640, base + 1,
                     content=("zeros8192", "random1500", "random2500")),
        stored_entry(b"docs", "dir", 0o750, base + 3_000_000_000),
        stored_entry(b"docs/empty", "file", 0o600, -1_500_000_000),
        stored_entry(b"docs/readme.txt", "file", 0o644, base + 4_999_999_999, content=("text",)),
        stored_entry(b"link", "symlink", 0o777, base + 6_000_000_000, target=b"caf\xe9.bin"),
        stored_entry(b"twice.bin", "file", 0o400, base + 7_000_000_000,
                     content=("random2500", "random2500")),
    ]

    def stream_of(rows):
        pieces = [gf.cbor(e) for e, _ in rows]
        return b"".join(pieces), pieces

    stream1, pieces1 = stream_of(rows1)
    ends1 = [sum(len(p) for p in pieces1[: i + 1]) for i in range(len(pieces1))]
    # Parts: the root and 50 bytes of the next entry (a cut inside an entry);
    # the rest of café.bin, docs, docs/empty; readme.txt and link; twice.bin.
    cuts1 = [ends1[0] + 50, ends1[3], ends1[5]]

    manifests = []
    body_parts = {}

    def manifest(label, role, seq, prev, time, nanos, tags, rows, cuts, level_cuts):
        stream, pieces = stream_of(rows)
        listref, levels, new_packs = make_list(stream, cuts, level_cuts, label, role)
        body = {"entries": listref}
        files = [(e, data) for e, data in rows if e["kind"] == "file"]
        header = {"version": TREE_VERSION, "locator": locator, "writer": writer_pub, "seq": seq,
                  "prev": prev, "time": time, "nanos": nanos, "tags": tags,
                  "expires_at": None, "files": len(files),
                  "bytes": sum(e["size"] for e, _ in files)}
        env, parts = envelope(TREE_VERSION, header, body)
        obj = sealed("snapshots", gf.cbor(env), label)
        # Read it back as a reader does.
        h, b, got_stream, got_levels, entries = reader.manifest(gf.cbor(env), writer_pub)
        assert got_stream == stream and entries == [e for e, _ in rows]
        assert [lv for _, lv in got_levels] == levels[::-1]
        used = set()
        for _, lv in got_levels:
            used.update(ref_json(r)["pack"] for r in split_refs(lv))
        for e in entries:
            refs = split_refs(e.get("blobs", b""))
            used.update(ref_json(r)["pack"] for r in refs)
            assert b"".join(reader.blob(r) for r in refs) == dict(
                (x["path"], d) for x, d in rows)[e["path"]]
        out = {
            "role": role,
            "object": obj,
            "header": dict(parts["header"], writer=writer_pub.hex(),
                           body_hash=parts["header"]["body_hash"].hex()),
            "header_cbor_hex": parts["header_cbor"].hex(),
            "signature_hex": parts["signature"].hex(),
            "body": {"entries": {"depth": listref["depth"], "length": listref["length"],
                                 "parts_hex": listref["parts"].hex()}},
            "body_cbor_hex": parts["body_cbor"].hex(),
            "body_zstd_hex": parts["body_zstd"].hex(),
            "envelope_cbor_hex": gf.cbor(env).hex(),
            "levels": [{"level": n, "refs": [ref_json(r) for r in split_refs(lv)]}
                       for n, lv in reversed(list(enumerate(levels)))],
            "new_packs": [p.name for p in new_packs],
            "stream_hex": stream.hex(),
            "stream_parts": [{"offset": a, "length": b - a}
                             for a, b in zip([0] + list(cuts), list(cuts) + [len(stream)])],
            "entries": [entry_json(e) for e, _ in rows],
            "packs": sorted(used),
            "files": [{"path_hex": e["path"].hex(), "size": e["size"], "content_hex": d.hex()}
                      for e, d in files],
        }
        manifests.append(out)
        body_parts[label] = (header, body, listref, levels, rows)
        return out

    def envelope(env_version, header, body):
        body_cbor = gf.cbor(body)
        body_zstd = gf.zstd3(body_cbor)
        header = dict(header, body_hash=blake3.blake3(body_zstd).digest(), body_len=len(body_cbor))
        header_cbor = gf.cbor(header)
        signature = gs.sign(writer_seed, gs.CONTEXTS["manifest_header"], header_cbor)
        env = {"version": env_version, "header": {"body": header_cbor, "signature": signature},
               "body": body_zstd}
        return env, {"header": header, "header_cbor": header_cbor, "signature": signature,
                     "body_cbor": body_cbor, "body_zstd": body_zstd}

    m1 = manifest("manifest 1", "backup 1: depth 0, four parts (one cut inside an entry)",
                  1, None, t1, 250_000_000, [], rows1, cuts1, [])

    # --- manifest 2: depth 1 -------------------------------------------------
    pack4 = Pack("pack 4", "backup 2: file chunks")
    chunk_entry["news"] = (pack4, pack4.add(chunks["news"][0], f"chunk news: {chunks['news'][1]}"))
    pack4.seal()
    t2 = t1 + 3600
    rows2 = [stored_entry(b"", "dir", 0o755, base + 9_000_000_000)] + rows1[1:6]
    rows2.append(stored_entry(b"many", "dir", 0o700, base + 8_000_000_000))
    for i in range(130):
        name = b"many/%03d" % i
        mt = base + 8_000_000_000 - 1000 * (i + 1)
        if i == 0:
            rows2.append(stored_entry(name, "file", 0o644, mt, content=("news",)))
        elif i % 10 == 5:
            rows2.append(stored_entry(name, "symlink", 0o777, mt, target=b"../link"))
        else:
            rows2.append(stored_entry(name, "file", 0o644, mt))
    rows2.append(rows1[6])
    stream2, pieces2 = stream_of(rows2)
    ends2 = [sum(len(p) for p in pieces2[: i + 1]) for i in range(len(pieces2))]
    assert len(pieces2[0]) == len(pieces1[0])  # the root's new mtime has the same length
    # Parts: the prefix cut as in manifest 1 (its first part changes with the
    # root's mtime, the next two are manifest 1's), then many/ as one part
    # and each of its 130 entries as two (cut at the entry's middle), then
    # twice.bin (manifest 1's last part): 265 refs.
    cuts2 = cuts1[:] + [ends2[6]]
    for i in range(7, 7 + 130):
        cuts2 += [ends2[i - 1] + len(pieces2[i]) // 2, ends2[i]]
    assert len(cuts2) == 264 and cuts2 == sorted(set(cuts2))
    level0_len = (len(cuts2) + 1) * REF_LEN
    assert len(cuts2) + 1 > FANOUT
    level_cuts = [[7005, 14011]]  # inside refs: a level's parts need not hold whole refs
    assert all(c % REF_LEN for c in level_cuts[0]) and level_cuts[0][-1] < level0_len
    m2 = manifest("manifest 2", "backup 2 (`latest`): depth 1, 265 level-0 parts of which "
                  "three are manifest 1's, cut into three level-1 parts (cuts inside refs)",
                  2, m1["object"]["name"], t2, 0, ["vectors", "tree"], rows2, cuts2, level_cuts)
    shared = set(r["ref_hex"] for r in m1["levels"][0]["refs"]) & set(
        r["ref_hex"] for r in m2["levels"][1]["refs"])
    assert len(shared) == 3, len(shared)
    assert m2["body"]["entries"]["depth"] == 1

    # --- indexes -------------------------------------------------------------
    by_name = {p["object"]["name"]: p for p in packs_json}

    def make_index(label, role, names):
        index = {"version": INDEX_VERSION, "packs": []}
        for name in names:
            p = by_name[name]
            entries = sorted(p["header"]["chunks"], key=lambda e: e["offset"])
            index["packs"].append({
                "id": name, "size": p["object"]["sealed_size"],
                "chunks": [gf.entry_cbor(dict(e, id=bytes.fromhex(e["id"]))) for e in entries]})
        index_cbor = gf.cbor(index)
        obj = sealed("index", gf.zstd3(index_cbor), label)
        listed = [{"id": p["id"], "size": p["size"], "chunks": [gf.entry_json(e) for e in p["chunks"]]}
                  for p in index["packs"]]
        return {"role": role, "object": obj, "cbor_hex": index_cbor.hex(),
                "index": {"version": INDEX_VERSION, "packs": listed}}

    indexes = [
        make_index("index 1", "backup 1: packs 1, 2 and its list parts",
                   [pack1.name, pack2.name] + m1["new_packs"]),
        make_index("index 2", "backup 2: pack 4 and its new list parts and level-0 parts",
                   [pack4.name] + m2["new_packs"]),
    ]
    assert sorted(by_name) == sorted(n for ix in indexes for n in
                                     (p["id"] for p in ix["index"]["packs"]))

    # --- fail cases ----------------------------------------------------------
    h1, body1, list1, levels1, _ = body_parts["manifest 1"]
    h2, body2, list2, _, _ = body_parts["manifest 2"]
    fail_cases = []
    fail_header = {"version": TREE_VERSION, "locator": locator, "writer": writer_pub,
                   "seq": 3, "prev": m2["object"]["name"], "time": t1 + 1800, "nanos": 0,
                   "tags": ["fail"], "expires_at": None, "files": h1["files"],
                   "bytes": h1["bytes"]}

    def fail(name, note, listref=None, env_version=TREE_VERSION, header_version=TREE_VERSION,
             extra=()):
        header = dict(fail_header, version=header_version)
        body = {"entries": listref if listref is not None else list1}
        env, parts = envelope(env_version, header, body)
        env_cbor = gf.cbor(env)
        try:
            reader.manifest(env_cbor, writer_pub)
        except Corrupt as e:
            why = str(e)
        else:
            raise AssertionError(f"{name} was read")
        obj = sealed("snapshots", env_cbor, "fail/" + name, in_store=False)
        lr = body["entries"]
        fail_cases.append({
            "name": name, "expect": "corrupt", "note": note, "reader_says": why,
            "header": dict(parts["header"], writer=writer_pub.hex(),
                           body_hash=parts["header"]["body_hash"].hex()),
            "envelope_version": env_version,
            "body": {"entries": {"depth": lr["depth"], "length": lr["length"],
                                 "parts_hex": lr["parts"].hex()}},
            "body_cbor_hex": parts["body_cbor"].hex(),
            "envelope_cbor_hex": env_cbor.hex(),
            "object": obj,
            "extra_objects": [p.json["object"] for p in extra],
        })

    refs1 = split_refs(list1["parts"])
    bad = bytearray(refs1[2])
    bad[0] ^= 0x01
    fail("fail_part_id_mismatch",
         "manifest 1's list with bit 0 of the id of parts' third ref flipped: the part it "
         "names (readme.txt and link) does not hash to that id",
         dict(list1, parts=b"".join(refs1[:2] + [bytes(bad)] + refs1[3:])))
    fail("fail_stream_shorter_than_length",
         "manifest 1's list with length one more than its stream's",
         dict(list1, length=list1["length"] + 1))
    fail("fail_stream_longer_than_length",
         "manifest 1's list with length one less than its stream's",
         dict(list1, length=list1["length"] - 1))
    fail("fail_depth_5", "manifest 2's list with depth 5 (at most 4)", dict(list2, depth=5))
    fail("fail_parts_not_multiple_of_80",
         "manifest 1's list without the last byte of parts (319 bytes)",
         dict(list1, parts=list1["parts"][:-1]))
    # A stream whose café.bin entry has 239 bytes of blobs: stored as one part
    # in a pack that only this case adds to the store.
    rows_bad = list(rows1)
    e_bad = dict(rows1[1][0], blobs=rows1[1][0]["blobs"][:-1])
    rows_bad[1] = (e_bad, rows1[1][1])
    stream_bad, _ = stream_of(rows_bad)
    refs_bad, pack_bad = store_parts([stream_bad], "fail pack blobs",
                                     "fail case fail_blobs_not_multiple_of_80: its list part",
                                     "entry stream part", in_store=False)
    fail("fail_blobs_not_multiple_of_80",
         "a depth-0 list of one part (in extra_objects' pack): manifest 1's entries with the "
         "last byte of café.bin's blobs removed (239 bytes)",
         {"depth": 0, "length": len(stream_bad), "parts": refs_bad[0]}, extra=[pack_bad])
    # A level whose bytes are manifest 1's parts and one more byte.
    refs_lv, pack_lv = store_parts([list1["parts"] + b"\x00"], "fail pack level",
                                   "fail case fail_level_not_multiple_of_80: its level-0 part",
                                   "part of level 0", in_store=False)
    fail("fail_level_not_multiple_of_80",
         "a depth-1 list whose one level-1 ref names a part (in extra_objects' pack) of 321 "
         "bytes: manifest 1's four level-0 refs and a zero byte",
         {"depth": 1, "length": list1["length"], "parts": refs_lv[0]}, extra=[pack_lv])
    fail("fail_envelope_3_header_2",
         "envelope version 3 whose signed header has version 2 (body: manifest 1's list)",
         header_version=2)
    fail("fail_envelope_2_header_3",
         "envelope version 2 whose signed header has version 3 (body: manifest 1's list)",
         env_version=2)

    # --- write -----------------------------------------------------------------
    tree_json = {
        "description": "Version-3 manifests (docs/format.md, Manifests (version 3)). A "
                       "manifest's sealed plaintext is cbor({version: 3, header: {body: "
                       "cbor(ManifestHeader), signature}, body: zstd(cbor({entries: ListRef}))})"
                       "; ListRef = {depth, length, parts}; a blob ref is id (32) || pack (32) "
                       "|| u32le pack_size, offset, length, raw_length. Levels are given top "
                       "first (levels[0] is parts). Keys and hashes are hex strings; other byte "
                       "strings are hex in fields ending in _hex.",
        "key": dict(gf.public_key_view(keys), authority_public=gs.public_of(authority).hex()),
        "writer": {"seed_label": writer_label, "seed_hex": writer_seed.hex(),
                   "public": writer_pub.hex(), "context": gs.CONTEXTS["manifest_header"].decode()},
        "config": config_json,
        "certificates": [certificate],
        "packs": packs_json,
        "indexes": indexes,
        "manifests": manifests,
        "latest": m2["object"]["name"],
        "fail_cases": fail_cases,
        "store": {"note": "repo-v3/ holds exactly these objects (store keys); no fail case's",
                  "objects": sorted(store_files)},
    }
    with open(os.path.join(HERE, "tree.json"), "w") as f:
        json.dump(tree_json, f, indent=1, ensure_ascii=False)
        f.write("\n")
    root = os.path.join(HERE, "repo-v3")
    shutil.rmtree(root, ignore_errors=True)
    for key, data in sorted(store_files.items()):
        path = os.path.join(root, *key.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print(f"{sealer.count} objects sealed; {len(store_files)} in repository {locator}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
