#!/usr/bin/python3
"""A PostgreSQL-greeting server and its clients, on loopback, to measure a proxy's cost per
connection and per idle session without the cluster (quieter, and no max_connections limit).
Standard library only (Debian's python3).

  pgecho.py serve PORT
      listen on 127.0.0.1:PORT; per connection: answer an SSLRequest with 'N'; answer a
      StartupMessage with AuthenticationOk, two ParameterStatus, BackendKeyData and ReadyForQuery
      (what PostgreSQL says to a trusted client); answer each Query with one row of one column,
      CommandComplete and ReadyForQuery; close on Terminate or EOF
  pgecho.py churn HOST PORT COUNT CONCURRENCY TIMEOUT
      COUNT sessions, CONCURRENCY at a time, each: connect, StartupMessage, read up to
      ReadyForQuery, Terminate, close (what pgbench -C does around its transaction). Prints
      "ok failed seconds"; stops after TIMEOUT seconds whatever is left
  pgecho.py idle READY_FILE HOLD HOST:PORT:COUNT...
      COUNT sessions per target that each complete the startup (so the proxy holds both sides),
      then stay idle; writes the number that got ReadyForQuery to READY_FILE and holds them for
      HOLD seconds (or until killed)
  pgecho.py first HOST PORT READY_FILE TIMEOUT
      creates READY_FILE once it runs (launch the proxy after that: Python's own start is not
      counted), then tries a whole session (connect, startup, ReadyForQuery) every 2 ms until one
      succeeds; prints the time of that success (seconds since the epoch)
  pgecho.py latency HOST PORT CLIENTS SECONDS
      CLIENTS sessions at once, each sending "SELECT 1" in a loop for SECONDS; prints
      "queries p50_ms p99_ms"
"""
import asyncio
import os
import resource
import socket
import struct
import sys
import time

SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def startup_message(user="bench", database="bench"):
    body = struct.pack("!i", 196608) + b"user\0" + user.encode() + b"\0database\0" + database.encode() + b"\0\0"
    return struct.pack("!i", len(body) + 4) + body


def message(kind, body=b""):
    return kind + struct.pack("!i", len(body) + 4) + body


GREETING = (message(b"R", struct.pack("!i", 0))
            + message(b"S", b"server_version\x0015.0\0")
            + message(b"S", b"client_encoding\0UTF8\0")
            + message(b"K", struct.pack("!ii", 4242, 4343))
            + message(b"Z", b"I"))
ROW = (message(b"T", struct.pack("!h", 1) + b"x\0" + struct.pack("!ihihih", 0, 0, 23, 4, -1, 0))
       + message(b"D", struct.pack("!hi", 1, 1) + b"1")
       + message(b"C", b"SELECT 1\0")
       + message(b"Z", b"I"))
TERMINATE = message(b"X")
QUERY = message(b"Q", b"SELECT 1\0")


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def serve_one(reader, writer):
    try:
        head = await reader.readexactly(8)
        length, code = struct.unpack("!ii", head)
        if code == 80877103:
            writer.write(b"N")
            head = await reader.readexactly(8)
            length, code = struct.unpack("!ii", head)
        await reader.readexactly(length - 8)
        writer.write(GREETING)
        while True:
            kind = await reader.readexactly(1)
            (n,) = struct.unpack("!i", await reader.readexactly(4))
            await reader.readexactly(n - 4)
            if kind == b"X":
                break
            writer.write(ROW)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(port):
    raise_nofile()
    server = await asyncio.start_server(serve_one, "127.0.0.1", int(port), backlog=4096, reuse_address=True)
    async with server:
        await server.serve_forever()


async def read_until_ready(reader):
    while True:
        kind = await reader.readexactly(1)
        (n,) = struct.unpack("!i", await reader.readexactly(4))
        await reader.readexactly(n - 4)
        if kind == b"Z":
            return


async def session(host, port):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(startup_message())
        await read_until_ready(reader)
        writer.write(TERMINATE)
        await writer.drain()
    finally:
        writer.close()
    # wait for the peer's close, as a client library does before it returns
    await reader.read()


async def churn(host, port, count, concurrency, timeout):
    count, concurrency, deadline = int(count), int(concurrency), time.monotonic() + float(timeout)
    left = [count]
    ok = [0]
    failed = [0]

    async def worker():
        while left[0] > 0 and time.monotonic() < deadline:
            left[0] -= 1
            try:
                await asyncio.wait_for(session(host, int(port)), 10)
                ok[0] += 1
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError):
                failed[0] += 1

    t0 = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    print(ok[0], failed[0], "%.3f" % (time.monotonic() - t0))


async def idle(ready_file, hold, *targets):
    raise_nofile()
    held = []

    async def one(host, port):
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
            writer.write(startup_message())
            await asyncio.wait_for(read_until_ready(reader), 10)
            held.append(writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError):
            pass

    for t in targets:
        host, port, count = t.rsplit(":", 2)
        count = int(count)
        for start in range(0, count, 500):  # in batches: the listen backlog is finite
            await asyncio.gather(*(one(host, int(port)) for _ in range(min(500, count - start))))
    with open(ready_file + ".tmp", "w") as f:
        f.write("%d\n" % len(held))
    os.rename(ready_file + ".tmp", ready_file)
    await asyncio.sleep(float(hold))


def first(host, port, ready_file, timeout):
    port = int(port)
    open(ready_file, "w").close()
    deadline = time.time() + float(timeout)
    while time.time() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1) as s:
                s.sendall(startup_message())
                got = b""
                while not got.endswith(message(b"Z", b"I")):
                    chunk = s.recv(4096)
                    if not chunk:
                        raise OSError("closed")
                    got += chunk
                print("%.6f" % time.time())
                return 0
        except OSError:
            time.sleep(0.002)
    return 1


async def latency(host, port, clients, seconds):
    raise_nofile()
    clients, end = int(clients), time.monotonic() + float(seconds)
    samples = []

    async def client():
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(startup_message())
        await read_until_ready(reader)
        while time.monotonic() < end:
            t = time.monotonic()
            writer.write(QUERY)
            await read_until_ready(reader)
            samples.append(time.monotonic() - t)
        writer.write(TERMINATE)
        writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    samples.sort()
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] * 1000
    print(len(samples), "%.3f" % pick(0.5), "%.3f" % pick(0.99))


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "serve":
        asyncio.run(serve(*args))
    elif cmd == "churn":
        asyncio.run(churn(*args))
    elif cmd == "idle":
        asyncio.run(idle(*args))
    elif cmd == "first":
        return first(*args)
    elif cmd == "latency":
        asyncio.run(latency(*args))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
