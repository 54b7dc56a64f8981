"""A real SMTP server for the tests, on loopback: STARTTLS with a throwaway certificate,
AUTH PLAIN and LOGIN for one test user, each accepted message written to a directory as
NNNN.eml. Recipients starting tempfail@ get 451 and reject@ get 550, so retries and
permanent failures can be tested.

With PLAIN_PORT, a second server on that port offers no STARTTLS (a relay without TLS), so
the client's refusal to send in clear text can be tested; it writes to the same directory.

Usage: python3 smtp-sink.py PORT DIRECTORY CERT KEY [PLAIN_PORT]
"""
import asyncio
import itertools
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = b"casework", b"secret"


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("tempfail@"):
            return "451 4.3.0 Temporary failure, try again later"
        if address.startswith("reject@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(self.directory, "%04d.eml" % next(self.counter))
        with open(name + ".tmp", "wb") as file:
            file.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name)
        return "250 Message accepted"


def authenticate(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and auth_data.login == USER and auth_data.password == PASSWORD:
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


def main():
    port, directory, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sink = Sink(directory)  # one counter for both servers, so their file names never collide
    controller = Controller(
        sink, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=False,
        authenticator=authenticate, auth_require_tls=True, auth_required=False, decode_data=False)
    controller.start()
    plain = None
    if len(sys.argv) > 5:
        plain = Controller(
            sink, hostname="127.0.0.1", port=int(sys.argv[5]), auth_require_tls=False, auth_required=False,
            authenticator=authenticate, decode_data=False)
        plain.start()
    print("ready", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    finally:
        controller.stop()
        if plain:
            plain.stop()


if __name__ == "__main__":
    main()
