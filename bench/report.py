#!/usr/bin/env python3
"""Turns bench/run.sh's results (TSV rows: scenario, tool, step, metric,
value) into the Markdown report: machine, method, one table per scenario
with the other tools beside crossing, ratios, and each goal met or missed.

    python3 bench/report.py RESULTS.tsv [OUT.md]   (prints it too)
"""
import collections
import datetime
import os
import platform
import subprocess
import sys

LINK = 100e6 / 8  # bytes per second, each direction, of the simulated link
TOOLS = ("crossing", "restic", "borg", "tar-zstd-age")


def load(path):
    r = collections.defaultdict(lambda: collections.defaultdict(dict))
    for line in open(path):
        scen, tool, step, metric, value = line.rstrip("\n").split("\t")
        try:
            value = float(value)
        except ValueError:
            pass
        r[scen][tool][(step, metric)] = value
    return r


def sh(cmd):
    try:
        out = subprocess.check_output(cmd, shell=True, stderr=subprocess.STDOUT, text=True)
        return out.strip().splitlines()[0] if out.strip() else "?"
    except Exception:
        return "?"


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    disk = sh("df -h --output=source,fstype,size,avail bench/work | tail -1")
    rota = sh("lsblk -dno ROTA $(df --output=source bench/work | tail -1) 2>/dev/null")
    kind = {"0": "non-rotational", "1": "rotational per lsblk"}.get(rota, "kind unknown")
    versions = "; ".join([
        sh("target/release/crossing --version"), sh("restic version"), sh("borg --version"),
        "age " + sh("age --version"), "zstd " + sh("zstd -V | grep -o 'v[0-9.]*'"), sh("tar --version"),
        sh("s3s-fs --version"), "sqlcipher " + sh("sqlcipher --version"),
    ])
    return [
        f"Run {datetime.date.today()}. Machine: {os.cpu_count()} cores (nproc {sh('nproc')}), {cpu}, "
        f"{ram:.0f} GiB RAM, {platform.system()} {platform.release()}; disk under bench/work: {disk} ({kind}).",
        f"Versions: {versions}.",
        "",
    ]


def mb(b):
    return f"{b / 1e6:.0f} MB" if b >= 10e6 else f"{b / 1e6:.2f} MB"


def goal(ok):
    return "met" if ok else "**MISSED**"


def corpus(r):
    c = r["corpus"]
    out = [
        "## Messenger corpus, local folder stores",
        "",
        f"Corpus: {mb(c['-'][('-', 'bytes')])}, {c['-'][('-', 'files')]:.0f} files (bench/gen_corpus.py).",
        "",
        "| tool | full backup | no-change backup | restore | store size | peak RSS (max of the three) |",
        "|---|---|---|---|---|---|",
    ]
    for t in TOOLS:
        x = c[t]
        rss = max(x[(s, "rss_kib")] for s in ("full", "no-change", "restore")) / 1024
        out.append(f"| {t} | {x[('full', 'secs')]:.2f} s | {x[('no-change', 'secs')]:.2f} s | "
                   f"{x[('restore', 'secs')]:.2f} s | {mb(x[('-', 'store_bytes')])} | {rss:.0f} MB |")
    x, y = c["crossing"], c["restic"]
    out += ["", "| goal (crossing / restic) | measured | |", "|---|---|---|"]
    # Issue 12's goals for the corpus (no-change: 0.15x).
    for s, target in (("full", 0.5), ("no-change", 0.15), ("restore", 0.5)):
        ratio = x[(s, "secs")] / y[(s, "secs")]
        out.append(f"| {s} ≤ {target}× | {ratio:.2f}× ({x[(s, 'secs')]:.2f} / {y[(s, 'secs')]:.2f} s) | {goal(ratio <= target)} |")
    ratio = x[("-", "store_bytes")] / y[("-", "store_bytes")]
    out.append(f"| store size ≤ restic | {ratio:.3f}× | {goal(ratio <= 1)} |")
    peak = max(x[(s, "rss_kib")] for s in ("full", "no-change", "restore")) / 1024
    out.append(f"| peak RSS ≤ 100 MB | {peak:.0f} MB | {goal(peak <= 100)} |")
    return out + [""]


def db(r):
    d = r["db"]
    hours = sorted(s for (s, m) in d["-"] if m == "changed_bytes")
    out = [
        "## Hourly backups of a SQLCipher database",
        "",
        f"Database directory: {mb(d['-'][('-', 'bytes')])} (bench/db_hour.py create). Each hour: "
        "bench/db_hour.py hour (new messages with their FTS rows, scattered read receipts, a "
        "checkpoint), then one backup with each tool. Growth: the store's size after the backup "
        "minus before; changed: the 4 KiB pages that differ, × 4096. tar | zstd | age has no "
        "deduplication: each hour is a new whole archive.",
        "",
        "| step | changed | " + " | ".join(f"{t} growth (×changed)" for t in TOOLS) + " |",
        "|---|---|" + "---|" * len(TOOLS),
    ]
    full = "| full | – | " + " | ".join(mb(d[t][("full", "growth_bytes")]) for t in TOOLS) + " |"
    out.append(full)
    total = collections.Counter()
    for h in hours:
        ch = d["-"][(h, "changed_bytes")]
        total["changed"] += ch
        cells = []
        for t in TOOLS:
            g = d[t][(h, "growth_bytes")]
            total[t] += g
            cells.append(f"{mb(g)} ({g / ch:.1f}×)" if ch else mb(g))
        out.append(f"| {h} | {mb(ch)} | " + " | ".join(cells) + " |")
    ch = total["changed"]
    if ch:
        out.append(f"| all hours | {mb(ch)} | " + " | ".join(f"{mb(total[t])} ({total[t] / ch:.1f}×)" for t in TOOLS) + " |")
    out += ["", "| tool | full backup | hourly backup (mean) | peak RSS (max) |", "|---|---|---|---|"]
    for t in TOOLS:
        hs = [d[t][(h, "secs")] for h in hours]
        rss = max(v for (s, m), v in d[t].items() if m == "rss_kib") / 1024
        out.append(f"| {t} | {d[t][('full', 'secs')]:.2f} s | {sum(hs) / len(hs):.2f} s | {rss:.0f} MB |")
    if ch:
        ratio = total["crossing"] / ch
        out += ["", f"Goal: crossing's growth ≤ 2× the changed pages: {ratio:.2f}× — {goal(ratio <= 2)} "
                f"(restic {total['restic'] / ch:.1f}×, borg {total['borg'] / ch:.1f}×)."]
    return out + [""]


def files(r, scen):
    f = r[scen]
    n = f["-"][("-", "files")]
    out = [
        f"## {n:,.0f} small files",
        "",
        f"{n:,.0f} files, {mb(f['-'][('-', 'bytes')])} (bench/gen_files.py: attachments.noindex/XX/<64 hex>, "
        "1-64 KiB, random). Home: crossing's CROSSING_HOME after the no-change backup; restic's cache and "
        "borg's base directory (cache, security) for comparison.",
        "",
        "| tool | first backup | no-change backup | restore | peak RSS first / no-change / restore | store | home | home per file |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in TOOLS:
        x = f[t]
        if not x:
            continue
        secs = [f"{x[(s, 'secs')]:.1f} s" if (s, "secs") in x else "–" for s in ("full", "no-change", "restore")]
        rss = " / ".join(f"{x[(s, 'rss_kib')] / 1024:.0f}" if (s, "rss_kib") in x else "–"
                         for s in ("full", "no-change", "restore")) + " MB"
        home = x.get(("-", "home_bytes"))
        out.append(f"| {t} | " + " | ".join(secs) + f" | {rss} | {mb(x[('-', 'store_bytes')])} | "
                   + (f"{mb(home)} | {home / n:.0f} B" if home is not None else "– | –") + " |")
    x, y = f["crossing"], f["restic"]
    out += ["", "| goal | measured | |", "|---|---|---|"]
    for s, target in (("full", 0.5), ("no-change", 0.25)):
        ratio = x[(s, "secs")] / y[(s, "secs")]
        name = "first backup" if s == "full" else s
        out.append(f"| {name} ≤ {target}× restic | {ratio:.2f}× ({x[(s, 'secs')]:.1f} / {y[(s, 'secs')]:.1f} s) | {goal(ratio <= target)} |")
    ratio = x[("restore", "secs")] / y[("restore", "secs")]
    out.append(f"| restore (no goal; vs restic) | {ratio:.2f}× | |")
    for s in ("full", "no-change", "restore"):
        peak = x[(s, "rss_kib")] / 1024
        out.append(f"| peak RSS {s} ≤ 100 MB | {peak:.0f} MB (restic {y[(s, 'rss_kib')] / 1024:.0f}) | {goal(peak <= 100)} |")
    per = x[("-", "home_bytes")] / n
    out.append(f"| home ≤ 100 B/file | {per:.0f} B/file ({mb(x[('-', 'home_bytes')])}) | {goal(per <= 100)} |")
    return out + [""]


def s3(r):
    s = r["s3"]
    out = [
        "## S3 over a simulated link",
        "",
        f"Corpus: {mb(s['-'][('-', 'bytes')])} (bench/gen_corpus.py) to s3s-fs on 127.0.0.1 behind "
        f"examples/linkproxy ({s['-'][('-', 'link')]}). Utilisation: the bytes the link carried in the "
        "step's main direction (up for a backup, down for a restore; HTTP headers included, no TLS) / (wall time × 12.5 MB/s).",
        "",
        "The proxy itself (curl, one 256 MiB PUT then GET, s3s-fs behind; MB/s):",
        "",
        "| path | PUT | GET |",
        "|---|---|---|",
    ]
    for name, label in (("direct", "s3s-fs directly"), ("unshaped", "through the proxy, no delay or limit"),
                        ("shaped", "through the proxy, 40 ms + 100 Mbit/s")):
        x = s[f"proxy-{name}"]
        out.append(f"| {label} | {x[('put', 'mb_per_s')]:.1f} | {x[('get', 'mb_per_s')]:.1f} |")
    out += ["", "| tool | step | time | up | down | utilisation | peak RSS |", "|---|---|---|---|---|---|---|"]
    util = {}
    for t in ("crossing", "restic"):
        x = s[t]
        for step in ("full", "no-change", "restore"):
            secs, up, down = x[(step, "secs")], x[(step, "up_bytes")], x[(step, "down_bytes")]
            main = down if step == "restore" else up
            u = main / (secs * LINK)
            util[(t, step)] = u
            out.append(f"| {t} | {step} | {secs:.2f} s | {mb(up)} | {mb(down)} | {u:.0%} | {x[(step, 'rss_kib')] / 1024:.0f} MB |")
    out += ["", f"Stored: crossing {mb(s['crossing'][('-', 'store_bytes')])}, restic {mb(s['restic'][('-', 'store_bytes')])}.",
            "", "| goal | measured | |", "|---|---|---|"]
    for step, label in (("full", "backup uses ≥ 90 % of the uplink"), ("restore", "restore uses ≥ 90 % of the downlink")):
        u = util[("crossing", step)]
        out.append(f"| {label} | {u:.0%} (restic {util[('restic', step)]:.0%}) | {goal(u >= 0.9)} |")
    x, y = s["crossing"], s["restic"]
    for step in ("full", "no-change", "restore"):
        out.append(f"| {step} vs restic (no goal) | {x[(step, 'secs')] / y[(step, 'secs')]:.2f}× "
                   f"({x[(step, 'secs')]:.1f} / {y[(step, 'secs')]:.1f} s) | |")
    return out + [""]


def main():
    r = load(sys.argv[1])
    lines = ["# crossing benchmarks: results of `bench/run.sh`", ""] + machine()
    if "corpus" in r:
        lines += corpus(r)
    if "db" in r:
        lines += db(r)
    for scen in sorted((s for s in r if s.startswith("files-")), key=lambda s: int(s.split("-")[1])):
        lines += files(r, scen)
    if "s3" in r:
        lines += s3(r)
    text = "\n".join(lines) + "\n"
    print(text)
    if len(sys.argv) > 2 and sys.argv[2]:
        with open(sys.argv[2], "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
