"""Times sign-ins one after another on a running server: the password step, and for a
two-factor account the code step (POST /api/v1/auth/2fa/verify with a TOTP code computed here
from the set-up secret, RFC 6238). Prints medians and p95 in milliseconds.

    python3 Benchmarks/two_factor_signin.py http://127.0.0.1:8081 [rounds]   # Primer, with 2FA
    python3 Benchmarks/two_factor_signin.py http://127.0.0.1:8002 [rounds] --peer   # the FastAPI peer: password only
"""
import base64, hashlib, hmac, json, statistics, struct, sys, time, urllib.error, urllib.request, uuid


def post(base, path, body, token=None):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def totp(secret, at):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def stats(name, values):
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    print(f"{name:<28} median {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms   (n={len(values)})")


def main():
    base, rounds, peer = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 20, "--peer" in sys.argv
    email, password = f"bench-{uuid.uuid4().hex[:8]}@example.com", "Bench@Pass2026"
    if peer:
        status, _ = post(base, "/api/v1/auth/signup", {"email": email, "password": password, "software_experience": "Beginner",
                                                 "hardware_experience": "None", "interests": []})
        assert status in (200, 201), status
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            status, _ = post(base, "/api/v1/auth/signin", {"email": email, "password": password})
            times.append((time.perf_counter() - started) * 1000)
            assert status == 200, status
        stats("peer: password sign-in", times)
        return
    status, created = post(base, "/api/v1/auth/signup", {"email": email, "password": password, "software_experience": "Beginner",
                                                          "hardware_experience": "None"})
    assert status == 201, (status, created)
    token = created["access_token"]
    status, setup = post(base, "/api/v1/auth/2fa/setup", {}, token)
    assert status == 200, (status, setup)
    status, enabled = post(base, "/api/v1/auth/2fa/enable", {"code": totp(setup["secret"], time.time())}, token)
    assert status == 200, (status, enabled)
    password_step, code_step, total = [], [], []
    for index in range(rounds):
        started = time.perf_counter()
        status, challenge = post(base, "/api/v1/auth/signin", {"email": email, "password": password})
        middle = time.perf_counter()
        assert status == 200 and challenge.get("mfa_required"), (status, challenge)
        # Each code works once: step `index + 1` ahead would leave the ±1 window, so alternate
        # app codes with backup codes after the first (the codes' checks cost the same).
        body = {"mfa_token": challenge["mfa_token"]}
        if index == 0:
            body["code"] = totp(setup["secret"], time.time() + 30)
        else:
            body["backup_code"] = enabled["backup_codes"][(index - 1) % 10] if index <= 10 else None
            if body["backup_code"] is None:
                break
        status, signed_in = post(base, "/api/v1/auth/2fa/verify", body)
        ended = time.perf_counter()
        assert status == 200 and "access_token" in signed_in, (status, signed_in)
        password_step.append((middle - started) * 1000)
        code_step.append((ended - middle) * 1000)
        total.append((ended - started) * 1000)
    stats("primer: password step", password_step)
    stats("primer: code step", code_step)
    stats("primer: 2FA sign-in total", total)


if __name__ == "__main__":
    main()
