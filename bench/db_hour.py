#!/usr/bin/env python3
"""A Signal-like SQLCipher database and an hour of its use, for measuring
what an hourly backup stores (issue 12; the table in src/backup/pages.rs).

    python3 bench/db_hour.py create DIR --size-mb 150 [--seed 1] [--plain]
    python3 bench/db_hour.py hour DIR [--seed 2]

`create` writes DIR/sql/db.sqlite (SQLCipher, key in DIR/config.json, as
Signal Desktop keeps them; 4 KiB pages, WAL mode) holding a messages table
with JSON bodies, an index on conversation and time, a UUID primary key and
a full-text table over the bodies (FTS5 if the sqlcipher build has it, else
FTS4). `hour` applies one hour of heavy use: ~2000 new messages with their
full-text rows, ~200 read receipts scattered over old messages, then
`PRAGMA wal_checkpoint(TRUNCATE)`; it prints one JSON line: the 4 KiB pages
of the main file that changed (compared page by page), and the bytes of a
`-wal` left beside it.

With `--plain`, the database is plain SQLite (Python's sqlite3 module, FTS5)
with no config.json: crossing reads it through SQLite (a page image) while
a client holds it open with a -wal, as a file once closed (WAL mode, no
-wal); `hour` tells the two kinds apart by the file's header.

Needs the `sqlcipher` command-line shell (Debian: apt-get install sqlcipher)
unless `--plain`.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import uuid

PAGE = 4096
KEY = "x'2dd29ca851e7b56e4697b0e1f08507293d761a05ce4d1b628663f411a8086d99'"
WORDS = None


def pragmas(key):
    # SQLCipher 4's page size (3.x's default is 1 KiB), as Signal uses.
    return f'PRAGMA key = "{key}";\nPRAGMA cipher_page_size = {PAGE};\n'


def is_plain(db):
    with open(db, "rb") as f:
        return f.read(16) == b"SQLite format 3\0"


def run_sql(db, key, sql):
    if key is None:
        import sqlite3

        conn = sqlite3.connect(db, isolation_level=None)
        conn.executescript(sql)
        conn.close()
        return
    subprocess.run(
        ["sqlcipher", "-batch", db],
        input=(pragmas(key) + sql).encode(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def query(db, key, sql):
    if key is None:
        import sqlite3

        conn = sqlite3.connect(db)
        rows = [str(v) for row in conn.execute(sql) for v in row]
        conn.close()
        return rows
    out = subprocess.run(
        ["sqlcipher", "-batch", "-noheader", db],
        input=(pragmas(key) + sql).encode(),
        check=True,
        capture_output=True,
    )
    return out.stdout.decode().split()


def fts_module(plain):
    if plain:
        return "fts5"  # Python's sqlite3 has had it for years
    out = subprocess.run(
        ["sqlcipher", "-batch", ":memory:"],
        input=b"CREATE VIRTUAL TABLE t USING fts5(x);",
        capture_output=True,
    )
    return "fts5" if out.returncode == 0 and not out.stderr else "fts4"


def words(rng):
    global WORDS
    if WORDS is None:
        syll = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "pa", "do", "re"]
        WORDS = ["".join(rng.choice(syll) for _ in range(rng.randint(1, 4))) for _ in range(5000)]
    return WORDS


def q(s):
    return "'" + s.replace("'", "''") + "'"


def message_sql(rng, when, conversations):
    body = " ".join(rng.choice(words(rng)) for _ in range(rng.randint(3, 60)))
    conv = rng.choice(conversations)
    mid = str(uuid.UUID(int=rng.getrandbits(128)))
    doc = {
        "id": mid,
        "conversationId": conv,
        "type": rng.choice(["incoming", "outgoing"]),
        "body": body,
        "sent_at": when,
        "received_at": when + rng.randint(0, 5000),
        "readStatus": 0,
        "attachments": [],
        "sourceServiceId": str(uuid.UUID(int=rng.getrandbits(128))),
        "unidentifiedDeliveries": [],
        "timestamp": when,
    }
    return (
        f"INSERT INTO messages (id, json, conversationId, sent_at, received_at, readStatus, body)"
        f" VALUES ({q(mid)}, {q(json.dumps(doc))}, {q(conv)}, {when}, {doc['received_at']}, 0, {q(body)});\n"
        f"INSERT INTO messages_fts (rowid, body) VALUES (last_insert_rowid(), {q(body)});\n"
    )


def paths(d):
    return os.path.join(d, "sql", "db.sqlite"), os.path.join(d, "config.json")


def create(args):
    db, config = paths(args.dir)
    os.makedirs(os.path.dirname(db), exist_ok=True)
    key = None if args.plain else KEY
    if not args.plain:
        with open(config, "w") as f:
            json.dump({"key": KEY[2:-1]}, f)
    rng = random.Random(args.seed)
    fts = fts_module(args.plain)
    run_sql(
        db,
        key,
        f"""PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS messages (
  rowid INTEGER PRIMARY KEY ASC, id STRING UNIQUE, json TEXT,
  conversationId STRING, sent_at INTEGER, received_at INTEGER,
  readStatus INTEGER, body TEXT);
CREATE INDEX IF NOT EXISTS messages_conversation ON messages (conversationId, received_at);
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING {fts}(body);
""",
    )
    conversations = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(200)]
    when = 1_600_000_000_000
    while os.path.getsize(db) < args.size_mb * 1_000_000:
        sql = ["BEGIN;\n"]
        for _ in range(5000):
            when += rng.randint(1000, 600_000)
            sql.append(message_sql(rng, when, conversations))
        sql.append("COMMIT;\nPRAGMA wal_checkpoint(TRUNCATE);\n")
        run_sql(db, key, "".join(sql))
    print(json.dumps({"db": db, "bytes": os.path.getsize(db), "fts": fts}))


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def changed_pages(before, after):
    n = 0
    for off in range(0, len(after), PAGE):
        if after[off : off + PAGE] != before[off : off + PAGE]:
            n += 1
    return n


def hour(args):
    db, _ = paths(args.dir)
    key = None if is_plain(db) else KEY
    rng = random.Random(args.seed)
    before = read(db)
    rows = int(query(db, key, "SELECT max(rowid) FROM messages;")[0])
    conversations = query(db, key, "SELECT DISTINCT conversationId FROM messages LIMIT 40;")
    when = int(query(db, key, "SELECT max(sent_at) FROM messages;")[0])
    sql = []
    for i in range(2000):
        when += rng.randint(100, 3000)
        # A commit per message, as the client does.
        sql.append("BEGIN;\n" + message_sql(rng, when, conversations) + "COMMIT;\n")
        if i % 10 == 0:
            rowid = rng.randint(1, rows)
            sql.append(
                "UPDATE messages SET readStatus = 1,"
                f" json = json || ' ' WHERE rowid = {rowid};\n"
            )
    sql.append("PRAGMA wal_checkpoint(TRUNCATE);\n")
    run_sql(db, key, "".join(sql))
    after = read(db)
    wal = read(db + "-wal")
    print(
        json.dumps(
            {
                "page_size": PAGE,
                "pages_changed": changed_pages(before, after),
                "bytes_changed": changed_pages(before, after) * PAGE,
                "db_bytes": len(after),
                "db_bytes_before": len(before),
                "wal_bytes": len(wal),
            }
        )
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("create", help="a Signal-like SQLCipher database in DIR")
    c.add_argument("dir")
    c.add_argument("--size-mb", type=float, default=150)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--plain", action="store_true", help="plain SQLite, not SQLCipher")
    h = sub.add_parser("hour", help="one hour of use of DIR's database")
    h.add_argument("dir")
    h.add_argument("--seed", type=int, default=2)
    args = p.parse_args()
    plain = getattr(args, "plain", False) or (
        args.cmd == "hour" and os.path.exists(paths(args.dir)[0]) and is_plain(paths(args.dir)[0])
    )
    if not plain and not shutil.which("sqlcipher"):
        sys.exit("db_hour.py: the sqlcipher shell is missing (apt-get install sqlcipher)")
    {"create": create, "hour": hour}[args.cmd](args)


if __name__ == "__main__":
    main()
