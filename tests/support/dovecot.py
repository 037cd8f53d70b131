"""A real Dovecot IMAP server on loopback, with its own configuration in a temporary directory.

What Dovecot (2.3, Debian's ``dovecot-imapd``) needs to run this way, found by trying:

- the master process starts as root (to bind and to switch users) but ``imap-login`` refuses to
  run as root, so the login, internal and mail processes run as an unprivileged system user
  (``conflux-test``, created here when missing);
- that user's uid must be at least ``first_valid_uid`` (500 by default; system users are below),
  so the configuration sets ``first_valid_uid`` to it;
- the directory must be reachable by that user, which pytest's ``tmp_path`` (under a 0700
  directory of root) is not: the server gets its own directory under the system's temporary
  directory, owned by that user;
- run as another user than root, the master cannot give its internal sockets to the ``dovecot``
  group and stops ("Failed to start listeners"): the fixture skips unless it runs as root;
- stopping the master process leaves the IMAP sessions open (they keep serving their client):
  to restart the server as a service manager does, the fixture stops its whole process group;
- a failed login is answered after ``auth_failure_delay`` (2 s by default, 0 here), and the next
  logins from the same address wait a penalty that doubles with each failure (anvil's auth
  penalty, not configurable): a test of failed logins uses a server of its own;
- ``rawlog_dir`` records each session's commands (after the login, so without the password) in
  a directory that must already exist: the tests read it to count the messages fetched.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.processes import free_port

SYSTEM_USER = "conflux-test"
START_TIMEOUT_SECONDS = 10.0
_BODY_FETCH = re.compile(r"UID FETCH (\d+) \(BODY\.PEEK\[\]\)")


@dataclass(frozen=True)
class MailUser:
    """A mailbox owner on the test server."""

    name: str
    password: str


class DovecotServer:
    """A ``dovecot -F`` process serving IMAP on 127.0.0.1 (and IMAPS, and STARTTLS, with TLS)."""

    def __init__(self, directory: Path, *, tls: bool, capabilities: str = "") -> None:
        self.directory = directory
        self.imap_port = free_port()
        self.imaps_port = free_port() if tls else None
        self.cert_file = directory / "cert.pem" if tls else None
        self._account = _system_account()
        self._process: subprocess.Popen[bytes] | None = None
        for name in ("run", "state", "mail", "rawlog", "users"):
            (directory / name).mkdir()
        if tls:
            _self_signed_certificate(directory)
        (directory / "dovecot.conf").write_text(self._configuration(tls, capabilities))
        _give_to(directory, self._account)

    def start(self) -> None:
        """Starts the server and waits until it greets IMAP clients."""
        out = (self.directory / "dovecot.out").open("ab")
        with out:
            self._process = subprocess.Popen(
                ["dovecot", "-F", "-c", str(self.directory / "dovecot.conf")],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise AssertionError(f"dovecot exited at start:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.imap_port), timeout=1) as probe:
                    if probe.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"dovecot did not answer in {START_TIMEOUT_SECONDS} s:\n{self.log()}")

    def stop(self) -> None:
        """Stops the server and every process it started, as a service manager stops a unit,
        so that every connection is closed."""
        if self._process is None:
            return
        group = self._process.pid
        os.killpg(group, signal.SIGTERM)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self._process.wait()
        self._process = None
        deadline = time.monotonic() + 10
        while _group_alive(group):
            if time.monotonic() > deadline:
                # Whatever is left (a process that ignored SIGTERM, or one that is dead but not
                # yet reaped) must not hold the test up.
                os.killpg(group, signal.SIGKILL)
                return
            time.sleep(0.02)

    def add_user(self, name: str, password: str) -> MailUser:
        """A new mailbox owner, in a passwd-file of its own with a plain password."""
        rawlog = self.directory / "rawlog" / name
        rawlog.mkdir()
        os.chown(rawlog, self._account.pw_uid, self._account.pw_gid)
        # One passwd-file per user: Dovecot checks a changed file at most once a second, and
        # would not see a user added within the second of the previous one.
        (self.directory / "users" / name).write_text(f"{name}:{{PLAIN}}{password}::::\n")
        return MailUser(name, password)

    @contextmanager
    def connect(self, user: MailUser) -> Iterator[imaplib.IMAP4]:
        """A plain IMAP connection logged in as ``user``, logged out after."""
        connection = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        try:
            connection.login(user.name, user.password)
            yield connection
        finally:
            connection.logout()

    def sessions(self, user: MailUser) -> list[list[str]]:
        """The commands each of ``user``'s sessions sent so far (after its login), without time
        stamps and tags, from the server's raw logs."""
        logs = sorted((self.directory / "rawlog" / user.name).glob("*.in"))
        return [
            [
                parts[2]
                for parts in (
                    line.split(" ", 2) for line in log.read_text(errors="replace").splitlines()
                )
                if len(parts) == 3
            ]
            for log in logs
        ]

    def commands(self, user: MailUser) -> list[str]:
        """The commands of all of ``user``'s sessions so far."""
        return [command for session in self.sessions(user) for command in session]

    def body_fetches(self, user: MailUser) -> list[int]:
        """The UIDs whose whole message ``user``'s sessions fetched (``UID FETCH n
        (BODY.PEEK[])``), in order."""
        return [
            int(found.group(1))
            for command in self.commands(user)
            if (found := _BODY_FETCH.fullmatch(command)) is not None
        ]

    def log(self) -> str:
        """What the server logged so far."""
        return "\n".join(
            path.read_text(errors="replace")
            for path in (self.directory / "dovecot.out", self.directory / "dovecot.log")
            if path.exists()
        )

    def _configuration(self, tls: bool, capabilities: str) -> str:
        directory, account = self.directory, self._account
        ssl = "ssl = no"
        imaps = "port = 0"
        if tls:
            ssl = f"ssl = yes\nssl_cert = <{directory}/cert.pem\nssl_key = <{directory}/key.pem"
            imaps = f"address = 127.0.0.1\n    port = {self.imaps_port}"
        # Only what is announced changes: Dovecot still runs the commands it no longer announces.
        announced = f"imap_capability = {capabilities}" if capabilities else ""
        return f"""\
{announced}
base_dir = {directory}/run
state_dir = {directory}/state
instance_name = conflux-test-{self.imap_port}
protocols = imap
listen = 127.0.0.1
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
log_path = {directory}/dovecot.log
default_login_user = {account.pw_name}
default_internal_user = {account.pw_name}
first_valid_uid = {account.pw_uid}
mail_uid = {account.pw_uid}
mail_gid = {account.pw_gid}
mail_location = maildir:{directory}/mail/%u
rawlog_dir = {directory}/rawlog/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {directory}/users/%u
}}
userdb {{
  driver = static
  args = uid={account.pw_uid} gid={account.pw_gid} home={directory}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    {imaps}
  }}
}}
"""


@contextmanager
def dovecot_server(*, tls: bool = False, capabilities: str = "") -> Iterator[DovecotServer]:
    """A running Dovecot in a directory of its own, stopped and removed after; with
    ``capabilities``, it announces those after the login instead of its own."""
    if shutil.which("dovecot") is None:
        pytest.skip("dovecot is not installed (make setup installs dovecot-imapd)")
    if os.geteuid() != 0:
        pytest.skip("the Dovecot test server runs as root (it switches to a test user)")
    directory = Path(tempfile.mkdtemp(prefix="conflux-dovecot-"))
    try:
        server = DovecotServer(directory, tls=tls, capabilities=capabilities)
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _system_account() -> pwd.struct_passwd:
    """The unprivileged user Dovecot's processes run as, created when missing."""
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SYSTEM_USER,
            ],
            check=False,
            capture_output=True,
        )
        # Another test process may have created it at the same time: either way it exists now.
        return pwd.getpwnam(SYSTEM_USER)


def _self_signed_certificate(directory: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(directory / "key.pem"),
            "-out",
            str(directory / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )


def _give_to(directory: Path, account: pwd.struct_passwd) -> None:
    for path in (directory, *directory.rglob("*")):
        os.chown(path, account.pw_uid, account.pw_gid)
