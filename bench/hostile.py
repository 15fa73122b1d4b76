#!/usr/bin/python3
"""Hostile clients against a proxy, for bench/hostile and bench/soak. Standard library only.

  hostile.py config REFERENCE BASE BACK [client=T] [maxconn=N] [strict=no]
      print the configuration both proxies run: REFERENCE's global and defaults sections, with
      `timeout client T`, global `maxconn N` and `no strict-limits` when asked, then four sections
      on 127.0.0.1: stats (BASE+70, mode http), sink (BASE+1, to the flood backend BACK+1), open
      (BASE+3, no maxconn of its own) and capped (BASE+4, maxconn 5), both to the greet backend
      BACK+2 with `option httpchk` on BACK+3 every second
  hostile.py backend BACK SECONDS STATUS_FILE
      the backends, on 127.0.0.1: BACK+1 (flood) sends 64 kB chunks to every connection for as
      long as it can; BACK+2 (greet) sends "hello\\n" on accept and discards what it reads; BACK+3
      answers HTTP health checks with 200 and keeps their count in STATUS_FILE. Exits after
      SECONDS or when its parent dies
  hostile.py wait PID PORT TIMEOUT
      exit 0 once PORT accepts a connection, 1 if the process PID is gone first, 2 after TIMEOUT s
  hostile.py a PORT TIMEOUT_CLIENT
      scenario (a): 5 clients with a tiny SO_RCVBUF connect to PORT (a listener to FLOOD) and
      never read nor write; the proxy's ESTABLISHED sockets to them are counted with ss every
      50 ms for TIMEOUT_CLIENT + 10 s
  hostile.py b STATS_PORT
      scenario (b): 300 connections to the stats port each send half an HTTP request and wait;
      then GET / and GET /;csv, at the same time, each bounded by 15 s
  hostile.py c PID PORT STATUS_FILE
      scenario (c): 400 clients connect to PORT (a listener to GREET, no maxconn of its own) of
      the proxy PID, started with 200 descriptors; its CPU (/proc/PID/stat) is read over 10 s
      while they hold; then they all leave and a probe (connect, expect "hello" within 1 s) runs
      every 200 ms until the port serves again, for at most 30 s; then the health checks the
      backend counted (STATUS_FILE) over 3 s
  hostile.py d PORT ROUNDS [STATS_PORT]
      scenario (d): ROUNDS bursts against PORT (maxconn 5, to GREET), each of 5 waves of 300
      clients: all connect at once (those not connected within 0.2 s are given up), send
      PostgreSQL's SSLRequest and leave at once, half of them with a reset; after
      each burst the probe runs for at most 15 s (a burst passes when the port serves again
      within 5 s). With STATS_PORT, the listener's scur is read from ;csv after a failure
  hostile.py hold SECONDS HOST:PORT:KIND:COUNT...
      bench/soak's hostile side: keeps COUNT clients of each KIND open against HOST:PORT for
      SECONDS (or until its parent dies), each reopened when the proxy closed it or its lifetime
      is over (at most once a second). KIND: halfhttp (half an HTTP request, then silence; lives
      10-40 s), idle (connects and says nothing; 10-40 s) or psql (psql -c "COPY 50 MB TO STDOUT"
      with its output a pipe nobody reads, so it stops reading its socket; killed after 25 s;
      PGUSER/PGPASSWORD from the environment)
  hostile.py scur STATS_PORT PROXY...
      print the scur of each PROXY's FRONTEND row in the stats CSV ("-" when unavailable)
  hostile.py soak-summary SAMPLES_TSV
      bench/soak's verdict: RSS, descriptors and sessions, median of the last sixth of the run
      against the median of its second sixth (minutes 25-30 against 5-10 for 30 minutes); flat
      means a growth of at most 10 % (and at least 16 MB, 10 descriptors, 5 sessions of slack)
  hostile.py table RESULTS_TSV
      print the results table

Each scenario prints one line: scenario, figure, verdict (pass/FAIL), details; tab-separated.
Every loop is bounded in count and time; every address is loopback.
"""
import os
import random
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.request

HOST = "127.0.0.1"
SSL_REQUEST = (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")
HALF_HTTP = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench-hostile\r\nX-Half: "


def emit(scenario, figure, ok, details):
    print(f"{scenario}\t{figure}\t{'pass' if ok else 'FAIL'}\t{details}", flush=True)
    return 0


# ------------------------------------------------------------------------------------------
# Configuration and backends

def config(reference, base, back, *changes):
    """REFERENCE's global and defaults sections, CHANGES applied (client=T: `timeout client T`,
    maxconn=N: global maxconn N, strict=no: `no strict-limits` in global), then the four sections."""
    base, wanted = int(base), dict(c.split("=", 1) for c in changes)
    flood, greet, check = int(back) + 1, int(back) + 2, int(back) + 3
    greeter = ["    option httpchk", "    http-check expect status 200",
               f"    server greet {HOST}:{greet} check port {check} inter 1s"]
    out = []
    for line in open(reference).read().splitlines():
        if line.startswith(("listen", "frontend", "backend")):
            break
        words, indent = line.split(), line[: len(line) - len(line.lstrip())]
        if words[:2] == ["timeout", "client"] and "client" in wanted:
            line = f"{indent}timeout client {wanted['client']}"
        elif words[:1] == ["maxconn"] and section == "global" and "maxconn" in wanted:
            line = f"{indent}maxconn {wanted['maxconn']}"
        if words and not indent:
            section = words[0]
        out.append(line)
        if words == ["global"] and wanted.get("strict") == "no":
            out.append("    no strict-limits")
    while out and not out[-1].strip():
        out.pop()
    out += ["", "listen stats", "    mode http", f"    bind {HOST}:{base + 70}", "    stats enable",
            "    stats uri /", "", "listen sink", f"    bind {HOST}:{base + 1}",
            f"    server flood {HOST}:{flood}", "", "listen open", f"    bind {HOST}:{base + 3}", *greeter,
            "", "listen capped", f"    bind {HOST}:{base + 4}", "    maxconn 5", *greeter]
    print("\n".join(out))
    return 0


def backend(back, seconds, status_file):
    sel = selectors.DefaultSelector()
    checks, written = 0, 0.0
    for port, kind in ((int(back) + 1, "flood"), (int(back) + 2, "greet"), (int(back) + 3, "check")):
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((HOST, port))
        ls.listen(4096)
        ls.setblocking(False)
        sel.register(ls, selectors.EVENT_READ, ("listen", kind))
    chunk = b"x" * 65536
    parent, deadline = os.getppid(), time.monotonic() + float(seconds)

    def drop(s):
        sel.unregister(s)
        s.close()

    while time.monotonic() < deadline and os.getppid() == parent:
        if time.monotonic() - written >= 0.2:
            with open(status_file + ".tmp", "w") as f:
                f.write(f"{checks}\n")
            os.rename(status_file + ".tmp", status_file)
            written = time.monotonic()
        for key, ev in sel.select(0.2):
            role, kind = key.data
            s = key.fileobj
            if role == "listen":
                for _ in range(64):
                    try:
                        c, _ = s.accept()
                    except OSError:
                        break
                    c.setblocking(False)
                    if kind == "check":
                        sel.register(c, selectors.EVENT_READ, ("check", b""))
                    elif kind == "flood":
                        sel.register(c, selectors.EVENT_READ | selectors.EVENT_WRITE, ("flood", kind))
                    else:
                        try:
                            c.send(b"hello\n")
                            sel.register(c, selectors.EVENT_READ, ("greet", kind))
                        except OSError:
                            c.close()
                continue
            if role == "check":  # an HTTP health check: answered 200, counted
                try:
                    got = s.recv(4096)
                    if got and b"\r\n\r\n" not in kind + got and len(kind + got) < 8192:
                        sel.modify(s, selectors.EVENT_READ, ("check", kind + got))
                        continue
                    if got:
                        s.send(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
                        checks += 1
                except OSError:
                    pass
                drop(s)
                continue
            if ev & selectors.EVENT_READ:
                try:
                    if not s.recv(65536):
                        drop(s)
                        continue
                except BlockingIOError:
                    pass
                except OSError:
                    drop(s)
                    continue
            if ev & selectors.EVENT_WRITE:
                try:
                    s.send(chunk)
                except BlockingIOError:
                    pass
                except OSError:
                    drop(s)
    return 0


# ------------------------------------------------------------------------------------------
# Observation helpers

def established(port):
    """Peer ports of the ESTABLISHED TCP sockets whose local port is PORT (the proxy's side)."""
    out = subprocess.run(["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
                         capture_output=True, text=True, timeout=10).stdout
    peers = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4:
            peers[int(f[3].rsplit(":", 1)[1])] = int(f[1])  # peer port -> Send-Q
    return peers


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)


def fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait(pid, port, timeout):
    """Exit 0 when PORT accepts, 1 when the process PID is gone first, 2 after TIMEOUT seconds."""
    pid, port, end = int(pid), int(port), time.monotonic() + float(timeout)
    while time.monotonic() < end:
        if not alive(pid):
            return 1
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return 0
        except OSError:
            time.sleep(0.05)
    return 2


def greeted(port, timeout=1.0):
    """One new connection gets the GREET backend's hello within TIMEOUT: the port serves."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.settimeout(timeout)
            data = b""
            end = time.monotonic() + timeout
            while len(data) < 6 and time.monotonic() < end:
                got = s.recv(6 - len(data))
                if not got:
                    break
                data += got
            return data == b"hello\n"
    except OSError:
        return False


def probe_until_served(port, bound, pause=0.2):
    """Seconds until a probe is served, or None after BOUND seconds."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < bound:
        if greeted(port):
            return time.monotonic() - t0
        time.sleep(pause)
    return None


def open_many(port, count, payload=b"", rcvbuf=0, wait=5.0):
    """COUNT non-blocking connects at once; returns the sockets whose connect completed within WAIT."""
    pending = []
    for _ in range(count):
        s = socket.socket()
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.setblocking(False)
        s.connect_ex((HOST, port))
        pending.append(s)
    sel = selectors.DefaultSelector()
    for s in pending:
        sel.register(s, selectors.EVENT_WRITE)
    done, end = [], time.monotonic() + wait
    while len(sel.get_map()) and time.monotonic() < end:
        for key, _ in sel.select(max(0.0, end - time.monotonic())):
            s = key.fileobj
            sel.unregister(s)
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                if payload:
                    try:
                        s.send(payload)
                    except OSError:
                        s.close()
                        continue
                done.append(s)
            else:
                s.close()
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    return done


def has_data(s):
    try:
        return len(s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)) > 0
    except OSError:
        return False


def close_all(socks, reset=False):
    for s in socks:
        try:
            if reset:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, (1).to_bytes(4, "little") + bytes(4))
            s.close()
        except OSError:
            pass


# ------------------------------------------------------------------------------------------
# Scenarios

def scenario_a(port, timeout_client, clients=5):
    port, tc = int(port), float(timeout_client)
    target, watch = tc + 1, tc + 10
    socks = open_many(port, clients, rcvbuf=1024)
    t0 = time.monotonic()
    ports = {s.getsockname()[1] for s in socks}
    closed, flowing = {}, set()
    while time.monotonic() - t0 < watch and len(closed) < len(ports):
        peers, now = established(port), time.monotonic() - t0
        for p in ports - closed.keys():
            if p not in peers:
                closed[p] = now
            elif peers[p] > 0:
                flowing.add(p)  # the proxy has bytes queued for a client that does not read
        time.sleep(0.05)
    flowed = sum(has_data(s) for s in socks)
    close_all(socks)
    details = (f"{len(socks)} clients, data reached {flowed} and backed up at the proxy for {len(flowing)};"
               f" timeout client {tc:g}s; closed after: "
               + (", ".join(f"{v:.2f} s" for v in sorted(closed.values())) or "none"))
    if len(socks) < clients:
        return emit("a", f"only {len(socks)}/{clients} clients connected", False, details)
    if len(closed) < len(ports):
        return emit("a", f"{len(ports) - len(closed)}/{len(ports)} still ESTABLISHED after {watch:.0f} s", False,
                    details)
    worst = max(closed.values())
    return emit("a", f"all {len(ports)} closed after {worst:.2f} s", worst <= target and flowed == len(socks), details)


def http_get(port, path, bound=15.0):
    """(seconds, status line or error) of one GET on a new connection, bounded by BOUND."""
    t0 = time.monotonic()
    try:
        with socket.create_connection((HOST, port), timeout=bound) as s:
            s.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
            data = b""
            while time.monotonic() - t0 < bound:
                s.settimeout(max(0.01, bound - (time.monotonic() - t0)))
                got = s.recv(65536)
                if not got:
                    break
                data += got
        status = data.split(b"\r\n", 1)[0].decode(errors="replace") or "no answer"
        if b"\r\n\r\n" not in data:
            status += " (incomplete)"
    except OSError as e:
        status = f"{type(e).__name__}: {e}"
    return time.monotonic() - t0, status


def scenario_b(port, slow=300):
    port = int(port)
    socks = open_many(port, slow, payload=HALF_HTTP, wait=10)
    results = {}
    threads = [threading.Thread(target=lambda p=p: results.__setitem__(p, http_get(port, p))) for p in ("/", "/;csv")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    still = sum(not has_data(s) for s in socks)  # neither answered nor closed by the proxy
    close_all(socks)
    page, csv = results.get("/", (99, "no result")), results.get("/;csv", (99, "no result"))

    def answered(r):
        return " 200" in r[1] and "incomplete" not in r[1]

    def show(r):
        if answered(r):
            return f"{r[0]:.2f} s"
        short = {"ConnectionResetError": "reset", "TimeoutError": "no answer", "timeout": "no answer",
                 "ConnectionRefusedError": "refused"}
        what = r[1].split(":")[0].split(" (")[0]
        return f"{short.get(what, what)} after {r[0]:.2f} s"

    ok = all(t <= 1.0 and answered((t, st)) for t, st in (page, csv))
    details = (f"{len(socks)}/{slow} slow requests open; page: {page[1]}; csv: {csv[1]};"
               f" {still} slow requests still open after both answers")
    return emit("b", f"page {show(page)}, ;csv {show(csv)}", ok and len(socks) == slow, details)


def checks_in(status_file, seconds):
    """Health checks the backend counted during the next SECONDS."""
    def count():
        try:
            return int(open(status_file).read())
        except (OSError, ValueError):
            return 0
    c0 = count()
    time.sleep(seconds)
    return count() - c0


def scenario_c(pid, port, status_file, clients=400, hold=10.0, bound=30.0, cpu_max=20.0):
    pid, port = int(pid), int(port)
    hz = os.sysconf("SC_CLK_TCK")
    fd0 = fds(pid)
    socks = open_many(port, clients, payload=SSL_REQUEST, wait=10)
    time.sleep(2)  # let the proxy accept what it can
    c0, t0 = cpu_ticks(pid), time.monotonic()
    time.sleep(hold)
    cpu = (cpu_ticks(pid) - c0) / hz / (time.monotonic() - t0) * 100
    fd1, served = fds(pid), sum(has_data(s) for s in socks)
    close_all(socks)
    again = probe_until_served(port, bound)
    c2, t2 = cpu_ticks(pid) if alive(pid) else 0, time.monotonic()
    checks = checks_in(status_file, 3)  # 2 servers checked every second: about 6
    after = (cpu_ticks(pid) - c2) / hz / (time.monotonic() - t2) * 100 if alive(pid) else -1
    details = (f"{len(socks)}/{clients} clients connected, {served} served; descriptors {fd0} before, {fd1} while"
               f" exhausted, {fds(pid)} after; CPU {after:.0f} % in the 3 s after; {checks} health checks"
               f" reached the backend in those 3 s (inter 1s, 2 servers); process {'alive' if alive(pid) else 'DEAD'}")
    serves = "no serving after 30 s" if again is None else f"serves again after {again:.2f} s"
    ok = again is not None and again <= 5 and cpu <= cpu_max and after <= cpu_max and checks >= 2
    serves += "" if checks >= 2 else f"; health checks stopped ({checks} in 3 s)"
    return emit("c", f"CPU {cpu:.0f} % while exhausted; {serves}", ok, details)


def stats_scur(stats_port, proxy="capped"):
    try:
        with urllib.request.urlopen(f"http://{HOST}:{stats_port}/;csv", timeout=3) as r:
            for line in r.read().decode().splitlines():
                f = line.split(",")
                if f[:2] == [proxy, "FRONTEND"]:
                    return f[4]
    except Exception as e:  # the figure is a diagnosis only
        return f"? ({type(e).__name__})"
    return "?"


def scenario_d(port, rounds, stats_port=None, burst=300, waves=5, bound=15.0):
    port, rounds = int(port), int(rounds)
    rnd = random.Random(12)
    recovered, worst, notes = 0, 0.0, []
    for r in range(1, rounds + 1):
        if probe_until_served(port, bound) is None:
            notes.append(f"burst {r}: the port does not serve before the burst")
            break
        connected = []
        for _ in range(waves):
            socks = open_many(port, burst, payload=SSL_REQUEST, wait=0.2)
            for s in socks:  # all leave at once, half of them with a reset
                close_all([s], reset=rnd.random() < 0.5)
            connected.append(str(len(socks)))
        socks = "+".join(connected)  # clients connected in each wave, for the notes
        took = probe_until_served(port, bound)
        if took is not None and took <= 5:
            recovered += 1
            worst = max(worst, took)
            notes.append(f"burst {r}: {socks} clients, served again after {took:.2f} s")
        else:
            scur = stats_scur(stats_port) if stats_port else "?"
            notes.append(f"burst {r}: {socks} clients, "
                         + (f"served again only after {took:.1f} s" if took else f"DEAD for {bound:.0f} s")
                         + f" (frontend scur {scur})")
            if took is None:
                notes.append(f"bursts {r + 1}-{rounds} not run: the port is dead")
                break
    figure = (f"recovered {recovered}/{rounds} bursts (worst {worst:.2f} s)" if recovered == rounds
              else f"port dead after burst {recovered + 1} of {rounds} ({recovered} recovered)")
    return emit("d", figure, recovered == rounds, "; ".join(notes))


# ------------------------------------------------------------------------------------------
# bench/soak's hostile side

LARGE_COPY = "COPY (SELECT repeat('x', 1000000) FROM generate_series(1, 50)) TO STDOUT"


class Hostile:
    """One hostile client of bench/soak, reopened whenever it is gone or its lifetime is over."""

    def __init__(self, host, port, kind, rnd):
        self.host, self.port, self.kind, self.rnd = host, port, kind, rnd
        self.conn, self.born, self.lifetime, self.opened = None, 0.0, 0.0, 0

    def alive(self):
        if self.conn is None:
            return False
        if self.kind == "psql":
            return self.conn.poll() is None
        try:  # closed by the proxy: EOF, or a reset
            return self.conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
        except BlockingIOError:
            return True
        except OSError:
            return False

    def close(self):
        if self.kind == "psql" and self.conn is not None:
            self.conn.kill()
            self.conn.wait(5)
        elif self.conn is not None:
            self.conn.close()
        self.conn = None

    def tick(self, now):
        if self.conn is not None and (not self.alive() or now - self.born >= self.lifetime):
            self.close()
        if self.conn is None and now - self.born >= 1.0:  # at most one opening per second
            self.born, self.opened = now, self.opened + 1
            self.lifetime = 25.0 if self.kind == "psql" else self.rnd.uniform(10, 40)
            if self.kind == "psql":  # stdout: a pipe nobody reads, so psql stops reading its socket
                self.conn = subprocess.Popen(["psql", "-X", "-q", "-w", "-h", self.host, "-p", str(self.port),
                                              "-d", "postgres", "-c", LARGE_COPY], stdin=subprocess.DEVNULL,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                return
            s = socket.socket()
            try:
                s.settimeout(2)
                s.connect((self.host, self.port))
                s.sendall(HALF_HTTP if self.kind == "halfhttp" else b"")
                self.conn = s
            except OSError:
                s.close()


def hold(seconds, *specs):
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    rnd, clients = random.Random(7), []
    for spec in specs:
        host, port, kind, count = spec.rsplit(":", 3)
        if kind not in ("halfhttp", "idle", "psql"):
            raise SystemExit(f"hostile.py hold: kind '{kind}' (expected: halfhttp, idle or psql)")
        clients += [Hostile(host, int(port), kind, rnd) for _ in range(int(count))]
    parent, end = os.getppid(), time.monotonic() + float(seconds)
    try:
        while time.monotonic() < end and os.getppid() == parent:
            for c in clients:
                c.tick(time.monotonic())
            time.sleep(0.5)
    finally:
        for c in clients:
            c.close()
        kinds = sorted({c.kind for c in clients})
        print("hold: " + ", ".join(f"{k}: {sum(c.kind == k for c in clients)} clients,"
                                   f" {sum(c.opened for c in clients if c.kind == k)} openings" for k in kinds),
              flush=True)
    return 0


def scur(stats_port, *proxies):
    """The current sessions (scur) of each named proxy's FRONTEND row in the stats CSV, or '-'."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{stats_port}/;csv", timeout=3) as r:
            rows = {tuple(l.split(",")[:2]): l.split(",") for l in r.read().decode().splitlines()}
    except Exception:
        rows = {}
    print(" ".join(rows[(p, "FRONTEND")][4] if (p, "FRONTEND") in rows else "-" for p in proxies))
    return 0


def soak_summary(path):
    """Compares the samples of the last sixth of the run with those of its second sixth."""
    import statistics
    rows = [l.rstrip("\n").split("\t") for l in open(path)][1:]
    rows = [r for r in rows if len(r) >= 6]
    if len(rows) < 6:
        print(f"soak: only {len(rows)} samples: too few to compare")
        return 1
    total = float(rows[-1][0])
    a = [r for r in rows if total / 6 <= float(r[0]) <= total / 3]
    b = [r for r in rows if float(r[0]) >= total - total / 6]
    print(f"soak: {len(rows)} samples over {total / 60:.1f} min; window A = minutes {total / 360:.1f}-{total / 180:.1f}"
          f" ({len(a)} samples), window B = the last {total / 360:.1f} min ({len(b)} samples)")
    verdicts = []
    for col, name, unit, allow in ((1, "RSS", "MB", lambda m: max(0.10 * m, 16)),
                                   (2, "descriptors", "", lambda m: max(0.10 * m, 10)),
                                   (3, "sessions (scur primary+standby)", "", lambda m: max(0.10 * m, 5))):
        def values(rs):
            out = []
            for r in rs:
                try:
                    v = sum(float(x) for x in r[col].split("+"))
                except ValueError:
                    continue
                out.append(v / 1024 if col == 1 else v)
            return out
        va, vb = values(a), values(b)
        if not va or not vb:
            print(f"  {name}: no samples in a window")
            verdicts.append(False)
            continue
        ma, mb = statistics.median(va), statistics.median(vb)
        ok = mb - ma <= allow(ma)
        verdicts.append(ok)
        print(f"  {name:30} median A {ma:8.1f}{unit}  median B {mb:8.1f}{unit}  max B {max(vb):8.1f}{unit}"
              f"  growth {mb - ma:+8.1f}{unit} (flat: <= {allow(ma):.1f})  {'flat' if ok else 'GROWING'}")
    print("soak: " + ("FLAT" if all(verdicts) else "NOT FLAT"))
    return 0 if all(verdicts) else 1


# ------------------------------------------------------------------------------------------

def table(path):
    targets = {"a": "closed within timeout client + 1 s", "b": "page and ;csv within 1 s",
               "c": "<20 % CPU; serves in 5 s; checks run", "d": "every burst: serves again within 5 s"}
    names = {"a": "(a) non-reading clients", "b": "(b) 300 half-sent stats requests",
             "c": "(c) descriptors exhausted", "d": "(d) bursts on maxconn 5"}
    rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
    print(f"{'scenario':33} {'proxy':9} {'measured':54} {'target':38} verdict")
    for scen in "abcd":
        for r in (r for r in rows if r[1] == scen):
            print(f"{names[scen]:33} {r[0]:9} {r[2]:54} {targets[scen]:38} {r[3]}")
    print()
    for r in rows:
        print(f"{r[0]} ({r[1]}): {r[4] if len(r) > 4 else ''}")
    return 0


COMMANDS = {"config": config, "backend": backend, "wait": wait, "a": scenario_a, "b": scenario_b, "c": scenario_c,
            "d": scenario_d, "hold": hold, "scur": scur, "soak-summary": soak_summary, "table": table}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]](*sys.argv[2:]))
