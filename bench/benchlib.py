#!/usr/bin/python3
"""Helpers for bench/run that are awkward in bash. Standard library only (Debian's python3).

  benchlib.py wait-port HOST PORT T0 TIMEOUT
      poll a TCP connect every 2 ms until it succeeds; print the seconds since T0 (an
      $EPOCHREALTIME taken just before the process was launched); exit 1 on timeout
  benchlib.py idle READY_FILE HOLD HOST:PORT:COUNT...
      open COUNT connections to each HOST:PORT, send PostgreSQL's SSLRequest on each and wait for
      the server's one-byte answer (so the proxy has connected the server side too), write the
      number of sessions that got an answer to READY_FILE, then hold them open for HOLD seconds
      (or until killed)
  benchlib.py epoch
      print what identifies the cluster's current incarnation: each member's Patroni timeline,
      role and postmaster start time (from its REST API); a switchover or failover changes it
  benchlib.py stacks COLLAPSED [N] [FILTER]
      summarise async-profiler's collapsed stacks: share of samples per thread kind, the hottest
      frames (self and inclusive) and, within event-loop threads, per kernel system call and per
      Pointsman method; FILTER keeps only stacks containing that text
  benchlib.py summary RAW_TSV [TARGET...]
      print the summary table (median and min-max per figure, ratios) from the raw results
"""
import os
import socket
import statistics
import sys
import time
import urllib.request
import json

SSL_REQUEST = (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")


def wait_port(host, port, t0, timeout):
    port, t0, timeout = int(port), float(t0), float(timeout)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                print(f"{time.time() - t0:.3f}")
                return 0
        except OSError:
            time.sleep(0.002)
    return 1


def idle(ready_file, hold, *targets):
    socks = []
    pending = []
    for t in targets:
        host, port, count = t.rsplit(":", 2)
        for _ in range(int(count)):
            try:
                s = socket.create_connection((host, int(port)), timeout=10)
                s.sendall(SSL_REQUEST)
                pending.append(s)
            except OSError:
                pass
    ok = 0
    for s in pending:
        try:
            s.settimeout(10)
            if s.recv(1):
                ok += 1
            socks.append(s)
        except OSError:
            s.close()
    tmp = ready_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{ok}\n")
    os.rename(tmp, ready_file)
    time.sleep(float(hold))
    for s in socks:
        s.close()
    return 0


def epoch(*urls):
    urls = urls or ("http://127.0.0.11:8008/patroni", "http://127.0.0.12:8008/patroni",
                    "http://127.0.0.13:8008/patroni")
    parts = []
    for url in urls:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                p = json.load(r)
            parts.append(f"{p.get('role')}/{p.get('timeline')}/{p.get('postmaster_start_time')}")
        except Exception:  # a member that does not answer is a change too
            parts.append("down")
    print(" ".join(parts))
    return 0


def stacks(path, n=30, filt=None):
    import collections
    n = int(n)
    self_, incl, roots, sysc, ours = (collections.Counter() for _ in range(5))
    total = loop = 0
    with open(path) as f:
        for line in f:
            stack, _, count = line.rstrip().rpartition(" ")
            if not count.isdigit():
                continue
            count, frames = int(count), stack.split(";")
            if filt and not any(filt in x for x in frames):
                continue
            total += count
            if any("SingleThreadIoEventLoop.run" in x for x in frames):
                kind = "event loop"
            elif any("CompileBroker" in x for x in frames):
                kind = "JIT compiler"
            elif any(x.startswith(("GCTaskThread", "VMThread")) or "GC" in x.split("::")[0] for x in frames[:3]):
                kind = "GC / VM"
            elif any("AsyncAppender" in x for x in frames):
                kind = "log appender thread"
            else:
                kind = "other (startup, checks, ...)"
            roots[kind] += count
            self_[frames[-1]] += count
            for x in set(frames):
                incl[x] += count
            if kind == "event loop":
                loop += count
                sc = next((x[len("__x64_sys_"):-4] for x in frames if x.startswith("__x64_sys_")), None)
                sysc[sc or "(user space)"] += count
                for x in set(frames):
                    if x.startswith("dev/pointsman/"):
                        ours[x] += count

    def show(title, counter, base, k):
        print(f"--- {title}")
        for key, c in counter.most_common(k):
            print(f"{c * 100 / max(base, 1):5.1f}%  {key}")

    print(f"samples: {total}")
    show("by thread kind (% of all samples)", roots, total, 10)
    show("event loop: by system call (% of event-loop samples)", sysc, loop, 12)
    show("event loop: Pointsman methods, inclusive (% of event-loop samples)", ours, loop, n)
    show("self (% of all samples)", self_, total, n)
    show("inclusive (% of all samples)", incl, total, n)
    return 0


# figure -> (label, unit, higher_is_better, format)
FIGURES = [
    ("S-primary.tps", "pgbench -S, primary: TPS", True, "{:.0f}"),
    ("S-primary.lat", "pgbench -S, primary: mean latency ms", False, "{:.3f}"),
    ("S-primary.cpu", "pgbench -S, primary: proxy CPU s / 10k tx", False, "{:.3f}"),
    ("S-replica.tps", "pgbench -S, replicas: TPS", True, "{:.0f}"),
    ("S-replica.lat", "pgbench -S, replicas: mean latency ms", False, "{:.3f}"),
    ("S-replica.cpu", "pgbench -S, replicas: proxy CPU s / 10k tx", False, "{:.3f}"),
    ("C-primary.tps", "pgbench -S -C, primary: TPS", True, "{:.0f}"),
    ("C-primary.lat", "pgbench -S -C, primary: mean latency ms", False, "{:.3f}"),
    ("C-primary.cpu", "pgbench -S -C, primary: proxy CPU s / 10k tx", False, "{:.3f}"),
    ("C-replica.tps", "pgbench -S -C, replicas: TPS", True, "{:.0f}"),
    ("C-replica.lat", "pgbench -S -C, replicas: mean latency ms", False, "{:.3f}"),
    ("C-replica.cpu", "pgbench -S -C, replicas: proxy CPU s / 10k tx", False, "{:.3f}"),
    ("copy.mbps", "COPY out of the primary: MB/s", True, "{:.0f}"),
    ("copy.cpu", "COPY: proxy CPU s / GB", False, "{:.2f}"),
    ("idle.rss", "RSS with 300 idle sessions: MB", False, "{:.1f}"),
    ("idle.sessions", "idle sessions actually open", True, "{:.0f}"),
    ("idle.hwm", "peak RSS over the round (VmHWM): MB", False, "{:.1f}"),
    ("startup", "start to first accepted connection: s", False, "{:.3f}"),
    ("active.clients", "active clients at once (pgbench -S -c N, primary)", True, "{:.0f}"),
    ("active.tps", "active clients: TPS", True, "{:.0f}"),
    ("active.p50", "active clients: p50 latency ms", False, "{:.3f}"),
    ("active.p99", "active clients: p99 latency ms", False, "{:.3f}"),
    ("active.cpu", "active clients: proxy CPU s / 10k tx", False, "{:.3f}"),
    ("active.rss", "active clients: RSS MB", False, "{:.1f}"),
    # bench/conn on loopback (bench/run --scaling), against a PostgreSQL-greeting server
    ("local.start_s", "loopback: start to first served session: s", False, "{:.3f}"),
    ("local.start_cpu_s", "loopback: CPU until the first served session: s", False, "{:.3f}"),
    ("local.rss_started_mb", "loopback: RSS 1 s after the start: MB", False, "{:.1f}"),
    ("local.cpu_ms_per_conn", "loopback: CPU per new connection (connect, startup, close): ms", False, "{:.4f}"),
    ("local.user_ms_per_conn", "loopback: user CPU per new connection: ms", False, "{:.4f}"),
    ("local.sys_ms_per_conn", "loopback: system CPU per new connection: ms", False, "{:.4f}"),
    ("local.churn_rate_per_s", "loopback: new connections per second (8 clients)", True, "{:.0f}"),
    ("local.idle100_rss_mb", "loopback: RSS with 100 idle sessions: MB", False, "{:.1f}"),
    ("local.idle1000_rss_mb", "loopback: RSS with 1,000 idle sessions: MB", False, "{:.1f}"),
    ("local.idle9900_rss_mb", "loopback: RSS with 9,900 idle sessions: MB", False, "{:.1f}"),
    ("local.idle9900_open", "loopback: idle sessions actually open (of 9,900)", True, "{:.0f}"),
    ("local.idle100_open_cpu_ms_per_session", "loopback: CPU to open a session, 100 idle: ms", False, "{:.3f}"),
    ("local.idle1000_open_cpu_ms_per_session", "loopback: CPU to open a session, 1,000 idle: ms", False, "{:.3f}"),
    ("local.idle9900_open_cpu_ms_per_session", "loopback: CPU to open a session, 9,900 idle: ms", False, "{:.3f}"),
    ("local.idle100_hold_cpu_ms_per_s", "loopback: CPU holding 100 idle sessions: ms/s", False, "{:.1f}"),
    ("local.idle1000_hold_cpu_ms_per_s", "loopback: CPU holding 1,000 idle sessions: ms/s", False, "{:.1f}"),
    ("local.idle9900_hold_cpu_ms_per_s", "loopback: CPU holding 9,900 idle sessions: ms/s", False, "{:.1f}"),
    ("local.active1000_queries_per_s", "loopback: 1,000 active clients: queries/s", True, "{:.0f}"),
    ("local.active1000_p50_ms", "loopback: 1,000 active clients: p50 latency ms", False, "{:.2f}"),
    ("local.active1000_p99_ms", "loopback: 1,000 active clients: p99 latency ms", False, "{:.2f}"),
    ("local.active1000_cpu_ms_per_query", "loopback: 1,000 active clients: proxy CPU per query ms", False, "{:.4f}"),
]


def summary(raw, *targets):
    targets = list(targets) or ["direct", "haproxy", "pointsman"]
    values = {}
    rounds = set()
    with open(raw) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4 or parts[0] == "round":
                continue
            rnd, figure, target, value = parts
            rounds.add(rnd)
            if value in ("", "NA"):
                continue
            values.setdefault((figure, target), []).append(float(value))

    def cell(fig, target):
        v = values.get((fig, target))
        if not v:
            return "–", None
        med = statistics.median(v)
        fmt = next(x[3] for x in FIGURES if x[0] == fig)
        s = fmt.format(med)
        if len(v) > 1:
            s += f" ({fmt.format(min(v))}–{fmt.format(max(v))})"
        return s, med

    def ratio(a, b):
        return "–" if a is None or b in (None, 0) else f"{a / b:.2f}"

    names = {"direct": "direct", "haproxy": "HAProxy", "pointsman": "Pointsman"}
    variants = [t for t in targets if t not in names]
    head = ["figure", "direct", "HAProxy", "Pointsman", "Pointsman/HAProxy", "HAProxy/direct",
            "Pointsman/direct"]
    for v in variants:
        head += [v, f"{v}/HAProxy"]
    print(f"rounds: {len(rounds)}; each cell: median (min–max)\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for fig, label, _, _ in FIGURES:
        cells = {t: cell(fig, t) for t in ["direct", "haproxy", "pointsman"] + variants}
        if all(c[1] is None for c in cells.values()):
            continue
        d, h, p = cells["direct"][1], cells["haproxy"][1], cells["pointsman"][1]
        row = [label, cells["direct"][0], cells["haproxy"][0], cells["pointsman"][0], ratio(p, h),
               ratio(h, d), ratio(p, d)]
        for v in variants:
            row += [cells[v][0], ratio(cells[v][1], h)]
        print("| " + " | ".join(row) + " |")


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "wait-port":
        return wait_port(*args)
    if cmd == "idle":
        return idle(*args)
    if cmd == "stacks":
        return stacks(*args)
    if cmd == "epoch":
        return epoch(*args)
    if cmd == "summary":
        return summary(*args)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
