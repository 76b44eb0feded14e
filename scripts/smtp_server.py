#!/usr/bin/env python3
"""A real SMTP server for Primer's mail tests (aiosmtpd, from PyPI).

Listens on 127.0.0.1, prints "READY <port>" on stdout once it accepts connections, and writes
every message it receives to --out as one JSON file (msg-0001.json, ...; written whole, then
renamed into place) with the envelope, the authenticated user, whether TLS was on, the raw
message and what Python's email package reads from it (subject, addresses, text and HTML
bodies, defects). Stops on SIGTERM/SIGINT or when stdin closes (the test process went away).

    smtp_server.py --out DIR [--port N] [--cert C --key K (--starttls [--require-starttls] | --implicit-tls)]
                   [--auth USER:PASSWORD [--auth-mechanisms PLAIN,LOGIN]]
"""
import argparse
import asyncio
import email.policy
import itertools
import json
import os
import signal
import ssl
import sys
from email.parser import BytesParser

from aiosmtpd.smtp import SMTP, AuthResult


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="directory for the received messages (JSON files)")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    p.add_argument("--cert", help="PEM certificate for TLS")
    p.add_argument("--key", help="PEM private key for TLS")
    p.add_argument("--starttls", action="store_true", help="offer STARTTLS")
    p.add_argument("--require-starttls", action="store_true", help="refuse everything but EHLO/STARTTLS/QUIT before TLS")
    p.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps)")
    p.add_argument("--auth", help="USER:PASSWORD accepted by AUTH (AUTH is then required for MAIL)")
    p.add_argument("--auth-mechanisms", default="PLAIN,LOGIN", help="mechanisms offered, comma-separated")
    args = p.parse_args()
    if (args.starttls or args.implicit_tls) and not (args.cert and args.key):
        p.error("--starttls and --implicit-tls need --cert and --key")
    if args.starttls and args.implicit_tls:
        p.error("choose --starttls or --implicit-tls")
    return args


def describe(content: bytes) -> dict:
    """What Python's email package makes of the message."""
    msg = BytesParser(policy=email.policy.default).parsebytes(content)
    result = {
        "subject": str(msg["subject"]) if msg["subject"] is not None else None,
        "from": str(msg["from"]) if msg["from"] is not None else None,
        "to": str(msg["to"]) if msg["to"] is not None else None,
        "date": str(msg["date"]) if msg["date"] is not None else None,
        "message_id": str(msg["message-id"]) if msg["message-id"] is not None else None,
        "mime_version": str(msg["mime-version"]) if msg["mime-version"] is not None else None,
        "content_type": msg.get_content_type(),
        "defects": [type(d).__name__ for part in msg.walk() for d in part.defects] + [type(d).__name__ for d in msg.defects],
        "text": None,
        "html": None,
    }
    for kind in ("plain", "html"):
        part = msg.get_body(preferencelist=(kind,))
        if part is not None:
            result["text" if kind == "plain" else "html"] = part.get_content()
    return result


class Recorder:
    def __init__(self, out: str):
        self.out = out
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        auth = session.auth_data if session.authenticated else None
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_user": auth["user"] if auth else None,
            "auth_mechanism": auth["mechanism"] if auth else None,
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "raw": content.decode("utf-8", "replace"),
            "max_line_length": max((len(line) for line in content.split(b"\r\n")), default=0),
            "parsed": describe(content),
        }
        n = next(self.counter)
        path = os.path.join(self.out, f"msg-{n:04d}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False, indent=1)
        os.replace(path + ".tmp", path)
        return "250 2.0.0 Message accepted"


def make_authenticator(credentials: str):
    user, _, password = credentials.partition(":")

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        if not ok:
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data={"user": user, "mechanism": mechanism})

    return authenticator


async def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    tls = None
    if args.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.cert, args.key)
    loop = asyncio.get_running_loop()
    recorder = Recorder(args.out)
    offered = {m.strip().upper() for m in args.auth_mechanisms.split(",") if m.strip()}

    def factory():
        return SMTP(
            recorder,
            hostname="primer-test-smtp",
            tls_context=tls if args.starttls else None,
            require_starttls=bool(args.starttls and args.require_starttls),
            authenticator=make_authenticator(args.auth) if args.auth else None,
            auth_required=bool(args.auth),
            # With implicit TLS aiosmtpd doesn't see its own TLS; the connection is encrypted anyway.
            auth_require_tls=not args.implicit_tls,
            auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m not in offered],
            loop=loop,
        )

    server = await loop.create_server(factory, host="127.0.0.1", port=args.port,
                                      ssl=tls if args.implicit_tls else None)
    port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    def stdin_readable():
        if not os.read(sys.stdin.fileno(), 4096):
            loop.remove_reader(sys.stdin.fileno())
            stop.set()

    loop.add_reader(sys.stdin.fileno(), stdin_readable)
    print(f"READY {port}", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
