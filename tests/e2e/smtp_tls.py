"""An SMTP server on loopback that, like Exchange Online, REQUIRES TLS and AUTH: STARTTLS on a
plain port (587's way) or TLS from the first byte (465's way), and one user and password.

Its certificate is self-signed, made when it starts (``make_certificate``), for 127.0.0.1 and
localhost; a client trusts it through ``SSL_CERT_FILE`` (the system bundle's override, which
Django's SMTP backend honours), so the certificate is really verified.

In a test: ``with tls_smtp_server(tmp_path) as server: ...`` (``server.port``, ``server.cert``,
``server.sink.received()``). As a process (the production smoke run)::

    python -m tests.e2e.smtp_tls --dir DIR [--mode starttls|ssl] [--user U] [--password P]

prints ``PORT <n>`` and ``CERT <path>``, writes the port to DIR/port, each received message to
DIR/mail/<n>.eml, and runs until SIGTERM/SIGINT."""

import argparse
import datetime
import ipaddress
import signal
import ssl
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.e2e.services import SmtpSink, free_port

USER = "budget@kommune.example"
PASSWORD = "smtp-test-password"


def make_certificate(directory):
    """A self-signed certificate and key for 127.0.0.1/localhost in ``directory``: (cert, key) paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        # Its own CA (it is the trust anchor the client is given), with the extensions strict
        # verification asks for.
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class Authenticator:
    """Accepts one user and password (LOGIN or PLAIN); counts the refusals."""

    def __init__(self, user, password):
        self.user, self.password = user.encode(), password.encode()
        self.refused = 0
        self._lock = threading.Lock()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (self.user, self.password):
            return AuthResult(success=True)
        with self._lock:
            self.refused += 1
        return AuthResult(success=False, handled=False)


class TlsSmtpServer:
    def __init__(self, controller, sink, authenticator, cert, mode):
        self.controller, self.sink, self.authenticator, self.cert, self.mode = (
            controller,
            sink,
            authenticator,
            cert,
            mode,
        )

    @property
    def port(self):
        return self.controller.port


@contextmanager
def tls_smtp_server(directory, *, mode="starttls", user=USER, password=PASSWORD, sink=None, port=None):
    """Start the server (mode "starttls" or "ssl") with a fresh certificate in ``directory``."""
    if mode not in ("starttls", "ssl"):
        raise ValueError(f"mode must be 'starttls' or 'ssl', not {mode!r}")
    cert, key = make_certificate(directory)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sink = sink or SmtpSink()
    authenticator = Authenticator(user, password)
    if mode == "ssl":
        # The whole connection is TLS; aiosmtpd's auth_require_tls only knows STARTTLS.
        tls = {"ssl_context": context, "auth_require_tls": False}
    else:
        tls = {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port or free_port(),
        server_hostname="localhost",
        auth_required=True,
        authenticator=authenticator,
        **tls,
    )
    controller.start()
    try:
        yield TlsSmtpServer(controller, sink, authenticator, cert, mode)
    finally:
        controller.stop()


class MaildirSink(SmtpSink):
    """A sink that also writes each message to DIR/mail/<n>.eml (for another process to read)."""

    def __init__(self, directory):
        super().__init__()
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        with self._lock:
            number = len(self.messages)
        path = self.directory / f"{number}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(path)  # a reader never sees half a message
        return reply


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", required=True, help="certificate, port file and received mail go here")
    parser.add_argument("--mode", choices=("starttls", "ssl"), default="starttls")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--user", default=USER)
    parser.add_argument("--password", default=PASSWORD)
    args = parser.parse_args(argv)
    directory = Path(args.dir)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    sink = MaildirSink(directory / "mail")
    with tls_smtp_server(
        directory, mode=args.mode, user=args.user, password=args.password, sink=sink, port=args.port or None
    ) as server:
        (directory / "port").write_text(str(server.port))
        print(f"PORT {server.port}", flush=True)
        print(f"CERT {server.cert}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
