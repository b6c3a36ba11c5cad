"""Two network namespaces joined by a veth pair: a server machine and a client machine on one small LAN.

Unlike :func:`tests.browser_support.namespace_command` (one namespace, loopback only), traffic between the two
goes over a real interface with its own addresses, as from another computer: the client reaches the server only
at :attr:`Lan.server_addr`, never at 127.0.0.1. Needs root (``ip netns``); the namespaces and the veth pair are
removed on exit.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

SERVER_ADDR = "10.98.0.1"
CLIENT_ADDR = "10.98.0.2"
PREFIX = 24


@dataclass(frozen=True)
class Lan:
    server_ns: str
    client_ns: str
    server_addr: str = SERVER_ADDR
    client_addr: str = CLIENT_ADDR

    def on_server(self, argv: list[str]) -> list[str]:
        """``argv`` run on the server machine."""
        return ["ip", "netns", "exec", self.server_ns, *argv]

    def on_client(self, argv: list[str]) -> list[str]:
        """``argv`` run on the client machine."""
        return ["ip", "netns", "exec", self.client_ns, *argv]


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=10)


def _delete(namespace: str) -> None:
    subprocess.run(["ip", "netns", "del", namespace], capture_output=True, check=False, timeout=10)


@contextlib.contextmanager
def two_machines() -> Iterator[Lan]:
    """A server and a client namespace, each with ``lo`` and one end of a veth pair (``/24`` between them)."""
    tag = secrets.token_hex(3)
    lan = Lan(server_ns=f"podium-srv-{tag}", client_ns=f"podium-cli-{tag}")
    ends = {lan.server_ns: (f"pv{tag}s", lan.server_addr), lan.client_ns: (f"pv{tag}c", lan.client_addr)}
    created: list[str] = []
    try:
        for namespace in ends:
            _ip("netns", "add", namespace)
            created.append(namespace)
        (server_end, _), (client_end, _) = ends.values()
        _ip("link", "add", server_end, "type", "veth", "peer", "name", client_end)
        for namespace, (device, address) in ends.items():
            _ip("link", "set", device, "netns", namespace)
            _ip("-n", namespace, "addr", "add", f"{address}/{PREFIX}", "dev", device)
            _ip("-n", namespace, "link", "set", device, "up")
            _ip("-n", namespace, "link", "set", "lo", "up")
        yield lan
    finally:
        for namespace in created:  # deleting a namespace deletes its end of the veth pair, and so the pair
            _delete(namespace)


def lan_problem() -> str | None:
    """Why two namespaces cannot be made here, or ``None`` when they can."""
    if shutil.which("ip") is None:
        return "iproute2 (ip) is not installed"
    try:
        with two_machines() as lan:
            subprocess.run(lan.on_client(["true"]), check=True, capture_output=True, text=True, timeout=10)
            return None
    except (OSError, subprocess.SubprocessError) as exc:
        stderr = getattr(exc, "stderr", "") or ""
        return f"cannot create network namespaces with a veth pair: {stderr.strip() or exc}"
