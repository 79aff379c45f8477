"""The HTTPS server: TLS on 127.0.0.1, threaded, HTTP/1.1 keep-alive, and `connection.json`.

`connection.json` in the data directory holds what scripts and tests need to connect (instance URL,
CA file, the integration user's credentials, a ready access token, the connected app's JWT key file,
the control API's admin token); it is written with owner-only permissions because it holds secrets.
A start removes the previous one first, so a reader waiting for it never takes an old org's.
"""

from __future__ import annotations

import json
import logging
import ssl
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from sfsync.errors import UsageError
from sfsync.localorg import seeding
from sfsync.localorg.app import LocalOrgApp
from sfsync.localorg.bulk_worker import stop_worker
from sfsync.localorg.faults import FaultPlan, FaultRule
from sfsync.localorg.org import Org
from sfsync.localorg.seed import Seed
from sfsync.localorg.tls import write_certificate, write_jwt_key

log = logging.getLogger("sfsync.localorg")
API_VERSION = "59.0"


@dataclass(frozen=True)
class Connection:
    """Everything a client needs; the content of `connection.json`."""

    instance_url: str
    ca_file: str
    api_version: str
    username: str
    password: str
    security_token: str
    access_token: str
    consumer_key: str
    consumer_secret: str
    private_key_file: str  # signs JWT bearer logins with `consumer_key`; "" when the seed gives the app a certificate
    admin_token: str
    control_url: str
    data_dir: str


class _Handler(WSGIRequestHandler):
    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        self.close_connection = True  # commit_then_drop: never answer on this connection again

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.debug('"%s" %s %s', self.requestline, code, size)


@dataclass
class RunningOrg:
    server: BaseWSGIServer
    app: LocalOrgApp
    connection: Connection
    thread: threading.Thread | None = None

    @property
    def org(self) -> Org:
        return self.app.org

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)
        stop_worker(self.org)
        self.app.bulk_v1.stop()


def build_org(data_dir: Path, seed: Seed) -> Org:
    org = Org(data_dir, seed)
    seeding.build(org)
    return org


def create(
    data_dir: Path, seed: Seed, *, port: int = 0, faults: Sequence[FaultRule] = (), host: str = "127.0.0.1"
) -> RunningOrg:
    """Build the org from `seed`, bind the TLS server and write `connection.json` (not yet serving)."""
    data_dir = data_dir.resolve()
    (data_dir / "connection.json").unlink(missing_ok=True)
    org = build_org(data_dir, seed)
    private_key_file = _jwt_ready(org, data_dir)
    app = LocalOrgApp(org, FaultPlan(faults))
    cert, key = write_certificate(data_dir / "tls")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    try:
        server = make_server(host, port, app, threaded=True, request_handler=_Handler)
    except SystemExit as exit_:  # werkzeug has already said why (e.g. the port is in use)
        raise UsageError(f"the local org cannot listen on {host}:{port}") from exit_
    _serve_tls(server, context)
    instance_url = f"https://{host}:{server.server_port}"
    integration = seed.integration_user
    app_credentials = next(iter(seed.connected_apps), None)
    connection = Connection(
        instance_url=instance_url,
        ca_file=str(cert),
        api_version=API_VERSION,
        username=integration.username,
        password=integration.password,
        security_token=integration.security_token,
        access_token=app.sessions.open(org.integration_user),
        consumer_key=app_credentials.consumer_key if app_credentials else "",
        consumer_secret=app_credentials.consumer_secret if app_credentials else "",
        private_key_file=private_key_file,
        admin_token=app.admin_token,
        control_url=f"{instance_url}/_localorg",
        data_dir=str(data_dir),
    )
    _write_private(data_dir / "connection.json", json.dumps(asdict(connection), indent=2) + "\n")
    return RunningOrg(server, app, connection)


def _serve_tls(server: BaseWSGIServer, context: ssl.SSLContext) -> None:
    """TLS on the listening socket, each handshake done by its connection's own thread.

    The handshake is left to the first read (in the request thread) rather than done in accept():
    otherwise one client that connects and never sends a ClientHello stalls every other connection.
    """
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    server.ssl_context = context  # werkzeug reads it for wsgi.url_scheme and its TLS error handling


def _jwt_ready(org: Org, data_dir: Path) -> str:
    """Give the seed's first connected app a certificate when it has none, and return its private key's file.

    So a JWT bearer config (`client_id`, `private_key_file`) logs in to the local org as it would to
    an org whose admin uploaded the certificate; a seed that brings its own certificate keeps it.
    """
    app = next(iter(org.seed.connected_apps), None)
    if app is None or app.certificate:
        return ""
    key_file, certificate = write_jwt_key(data_dir / "jwt")
    org.connected_apps[app.consumer_key] = replace(app, certificate=certificate)
    return str(key_file)


def _write_private(path: Path, text: str) -> None:
    """Owner-only, and atomic: a reader never sees a half-written file."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    partial.write_text(text, "utf-8")
    partial.replace(path)


def start_in_background(data_dir: Path, seed: Seed, **kwargs: Any) -> RunningOrg:
    running = create(data_dir, seed, **kwargs)
    running.thread = threading.Thread(target=running.serve_forever, name="localorg-server", daemon=True)
    running.thread.start()
    return running
