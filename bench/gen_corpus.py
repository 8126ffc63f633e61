#!/usr/bin/env python3
"""Generates a messenger-like data directory for the benchmarks.

    python3 bench/gen_corpus.py OUT_DIR [--scale 1.0]

At scale 1.0 (about 750 MB): an SQLite database in WAL mode with 500,000
messages (the client's history), 250 incompressible attachments of 0.5-4 MiB
with some stored twice (forwarded media), 4,000 small compressible files
(JSON settings, logs, stickers' metadata, a cache), and a few empty
directories. Deterministic: the same scale gives the same bytes.
"""
import argparse
import json
import os
import random
import sqlite3

WORDS = ("the quick brown fox jumps over lazy dog meet at noon bring the documents "
         "border crossing tomorrow signal session call later ok thanks see you soon").split()


def messages(db_path, count, rng):
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE conversations (id INTEGER PRIMARY KEY, name TEXT, created INTEGER)")
    conn.execute(
        "CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation INTEGER, sent INTEGER, "
        "author TEXT, body TEXT, attachment TEXT)"
    )
    conn.execute("CREATE INDEX messages_by_conversation ON messages (conversation, sent)")
    conn.executemany(
        "INSERT INTO conversations VALUES (?, ?, ?)",
        [(i, f"contact-{i}", 1_600_000_000 + i) for i in range(500)],
    )
    batch = []
    for i in range(count):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 60)))
        author = "05" + "%064x" % rng.getrandbits(256)
        batch.append((i, rng.randrange(500), 1_600_000_000 + i * 37, author, body, None))
        if len(batch) == 20_000:
            conn.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)", batch)
            batch.clear()
    conn.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)", batch)
    conn.commit()
    conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    rng = random.Random(20261126)
    out = args.out
    os.makedirs(os.path.join(out, "sql"), exist_ok=True)
    messages(os.path.join(out, "sql", "db.sqlite"), int(500_000 * args.scale), rng)

    att = os.path.join(out, "attachments.noindex")
    os.makedirs(att, exist_ok=True)
    blobs = []
    for i in range(int(250 * args.scale)):
        if blobs and rng.random() < 0.12:
            data = rng.choice(blobs)  # forwarded: the same media again
        else:
            data = rng.randbytes(rng.randint(512 * 1024, 4 * 1024 * 1024))
            if len(blobs) < 20:
                blobs.append(data)
        d = os.path.join(att, "%02x" % (i % 256))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "%064x" % rng.getrandbits(256)), "wb") as f:
            f.write(data)

    for kind, n in (("logs", 1500), ("stickers", 1500), ("cache", 1000)):
        d = os.path.join(out, kind)
        os.makedirs(d, exist_ok=True)
        for i in range(int(n * args.scale)):
            entry = {"id": i, "kind": kind, "words": [rng.choice(WORDS) for _ in range(rng.randint(50, 2000))]}
            with open(os.path.join(d, f"{kind}-{i:05}.json"), "w") as f:
                json.dump(entry, f)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"theme": "dark", "spell-check": True, "window": [1280, 800]}, f)
    for empty in ("crashpad", "GPUCache", "blob_storage"):
        os.makedirs(os.path.join(out, empty), exist_ok=True)


if __name__ == "__main__":
    main()
