"""Schemathesis auth for Primer: a fresh reader for every token.

The run signs out, signs out everywhere and tries sign-ins with the reader's email (which
locks that email after 10 failures), so a fixed account stops working mid-run. Instead,
each time a token is needed (at the start, every 10 minutes, and after any 401 on a
request that carried it) this signs up a new reader with a random email and uses its
access token. Set PRIMER_URL to the server's base URL. Used by scripts/api-fuzz.
"""
import json
import os
import secrets
import urllib.request

import schemathesis

BASE_URL = os.environ["PRIMER_URL"].rstrip("/")


@schemathesis.auth(refresh_interval=600, retry_on=[401])
class FreshReader:
    def get(self, case, ctx):
        body = json.dumps({
            "email": f"schemathesis-{secrets.token_hex(8)}@example.com",
            "password": "Sturdy#Pass1",
            "software_experience": "Beginner",
            "hardware_experience": "None",
        }).encode()
        request = urllib.request.Request(f"{BASE_URL}/api/v1/auth/signup", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["access_token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
