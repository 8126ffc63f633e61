#!/usr/bin/env python3
"""Generates a data directory of many small attachment-like files.

    python3 bench/gen_files.py OUT_DIR --count N [--jobs J]

Signal Desktop's layout: OUT_DIR/attachments.noindex/XX/<64 hex>, XX the
name's first two hex digits, plus a small config.json. Sizes: 99 % spread
log-uniformly over 1-64 KiB (thumbnails, voice notes, small images: many
small, fewer large; median 8 KiB), 1 % over 64-256 KiB. Content is random,
so incompressible and unique (no tool can dedup or compress it away), as
encrypted attachments are. Mean about 16.5 KiB a file: 1,000,000 files are
about 16.5 GB.

Names and sizes are deterministic (the same N gives the same tree shape);
the bytes come from os.urandom, which is faster than any seeded generator
in Python. Written by J processes in parallel (default: the number of
cores), each a share of the names; the directories are made first.
"""
import argparse
import hashlib
import math
import multiprocessing
import os

KIB = 1024


def shape(i):
    """Name and size of file i: both from a hash of i (no shared RNG state)."""
    h = hashlib.blake2b(i.to_bytes(8, "little"), digest_size=40).digest()
    name = h[:32].hex()
    u = int.from_bytes(h[32:36], "little") / 2**32
    v = int.from_bytes(h[36:40], "little") / 2**32
    lo, hi = (64 * KIB, 256 * KIB) if v < 0.01 else (KIB, 64 * KIB)
    size = int(math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))))
    return name, size


def write_range(args):
    out, start, stop = args
    total = 0
    att = os.path.join(out, "attachments.noindex")
    for i in range(start, stop):
        name, size = shape(i)
        with open(os.path.join(att, name[:2], name), "wb") as f:
            f.write(os.urandom(size))
        total += size
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    args = ap.parse_args()
    att = os.path.join(args.out, "attachments.noindex")
    for d in range(256):
        os.makedirs(os.path.join(att, "%02x" % d), exist_ok=True)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        f.write('{"theme": "dark", "spell-check": true}\n')
    step = 5000  # small pieces keep all workers busy to the end
    pieces = [(args.out, s, min(s + step, args.count)) for s in range(0, args.count, step)]
    with multiprocessing.Pool(args.jobs) as pool:
        total = sum(pool.imap_unordered(write_range, pieces))
    print(f"{args.count} files, {total / 1e9:.2f} GB in {att}")


if __name__ == "__main__":
    main()
