#!/usr/bin/env python3
"""Issue 10's before/after measurements against a running Primer (standard library only).

  hardening.py lockout   PORT            40 concurrent wrong passwords + 1 right one
  hardening.py question  PORT            a normal question's latency alone, then next to the
                                         largest "2,000-character" question the server accepts
  hardening.py slow      PORT PID        slow-header, silent and 20 MB-body clients: are they
                                         still open after a while; server CPU and /health
                                         latency while they hold the descriptors
"""
import json, socket, sys, threading, time, urllib.request, urllib.error, uuid


def post(port, path, body, timeout=120):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body, ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    return status, text, time.perf_counter() - started


def signup(port):
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    status, text, _ = post(port, "/api/v1/auth/signup", {"email": email, "password": "Bench!Pass123",
                                                         "software_experience": "Beginner", "hardware_experience": "None"})
    assert status == 201, (status, text)
    return email


def lockout(port):
    email = signup(port)
    passwords = ["Wrong!Pass123"] * 20 + ["Bench!Pass123"] + ["Wrong!Pass123"] * 20
    statuses = [None] * len(passwords)
    barrier = threading.Barrier(len(passwords))

    def attempt(i):
        barrier.wait()
        statuses[i] = post(port, "/api/v1/auth/signin", {"email": email, "password": passwords[i]})[0]

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(passwords))]
    for t in threads: t.start()
    for t in threads: t.join()
    checked = sum(1 for s in statuses if s in (200, 401))
    print(f"lockout: 41 concurrent sign-ins (40 wrong, 1 right): {statuses.count(401)} wrong passwords checked (401), "
          f"right one {'signed in' if 200 in statuses else 'refused'}, {statuses.count(429)} refused unchecked (429); "
          f"passwords verified: {checked}")
    after = post(port, "/api/v1/auth/signin", {"email": email, "password": "Bench!Pass123"})[0]
    print(f"lockout: the right password afterwards: {after}")


def question_latency(port, text, runs):
    times = []
    for _ in range(runs):
        status, _, seconds = post(port, "/api/v1/query", {"query": text})
        times.append(seconds * 1000)
    times.sort()
    return times[len(times) // 2], status


def question(port):
    normal = "how does a servo motor keep its position?"
    for _ in range(5): post(port, "/api/v1/query", {"query": normal})
    alone, _ = question_latency(port, normal, 40)
    # The largest question each server accepts: 2,000 grapheme clusters of "e" + 250 combining
    # marks (~1 MB) on a server that counts graphemes; 2,000 scalars on one that counts scalars.
    stuffed = ("e" + "\u0301" * 200) * 2000
    status, _, _ = post(port, "/api/v1/query", {"query": stuffed})
    if status != 200:
        stuffed = ("e" + "\u0301" * 9) * 200
    big_status, _, big_seconds = post(port, "/api/v1/query", {"query": stuffed})
    # Normal questions, one after another, for as long as the big one is in flight (10 rounds).
    beside = []
    for _ in range(10):
        done = threading.Event()
        threading.Thread(target=lambda: (post(port, "/api/v1/query", {"query": stuffed}), done.set())).start()
        while not done.is_set():
            beside.append(post(port, "/api/v1/query", {"query": normal})[2] * 1000)
    beside.sort()
    print(f"question: normal question alone p50 {alone:.1f} ms; the largest accepted question "
          f"({len(stuffed.encode())} bytes, status {big_status}) takes {big_seconds * 1000:.1f} ms; "
          f"normal questions asked while it is in flight: {len(beside)}, p50 {beside[len(beside) // 2]:.1f} ms, max {beside[-1]:.1f} ms")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0  # utime + stime, in clock ticks


def slow(port, pid):
    sockets, stop = [], threading.Event()

    def connect():
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        sockets.append(s)
        return s

    for _ in range(40):  # headers a byte every second
        s = connect(); s.send(b"GET /health HTTP/1.1\r\nHost: x\r\n")
    for _ in range(5):  # silent
        connect()
    for _ in range(5):  # a 20 MB body that never comes
        s = connect(); s.send(b"POST /api/v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n")

    def trickle():
        while not stop.is_set():
            for s in sockets[:40]:
                try: s.send(b"X")
                except OSError: pass
            stop.wait(1)

    threading.Thread(target=trickle, daemon=True).start()
    time.sleep(30)
    held = answered = closed = 0
    for s in sockets:
        s.setblocking(False)
        try:
            data = s.recv(64, socket.MSG_PEEK)
            if data: answered += 1
            else: closed += 1
        except BlockingIOError:
            held += 1
        except OSError:
            closed += 1
    print(f"slow: after 30 s, of 50 slow/silent/stalled clients: {held} still held open, {answered} answered (408/413), {closed} closed")
    # Now fill the descriptor table: the server runs under `ulimit -n`; open many more slow clients.
    for _ in range(400):
        try:
            s = connect(); s.send(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        except OSError:
            break
    time.sleep(1)
    cpu0, t0 = cpu_seconds(pid), time.time()
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=60) as r:
            health = f"{r.status} after {(time.perf_counter() - started) * 1000:.0f} ms"
    except Exception as error:
        health = f"no answer within 60 s ({type(error).__name__})"
    cpu = (cpu_seconds(pid) - cpu0) / max(time.time() - t0, 1e-3) * 100
    print(f"slow: at the descriptor limit (+400 slow clients): /health {health}; server CPU {cpu:.0f}% of a core meanwhile")
    stop.set()
    for s in sockets: s.close()


if __name__ == "__main__":
    kind, port = sys.argv[1], int(sys.argv[2])
    {"lockout": lambda: lockout(port), "question": lambda: question(port),
     "slow": lambda: slow(port, int(sys.argv[3]))}[kind]()
