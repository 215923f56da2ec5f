"""Which addresses a process tree listens on, read from ``/proc`` (Linux): the tests that start
Ray check that nothing it opens is reachable from outside the machine."""

from __future__ import annotations

import os
from pathlib import Path

#: What a loopback-only listener shows: IPv4, or IPv4 mapped into IPv6.
LOOPBACK = {"127.0.0.1", "::ffff:127.0.0.1"}


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = set(), [root]
    while stack:
        pid = stack.pop()
        found.add(pid)
        stack.extend(children.get(pid, []))
    return found


def listening_addresses(pids: set[int]) -> set[str]:
    """Local addresses of listening TCP sockets owned by ``pids`` (read from /proc)."""
    listening: dict[str, str] = {}
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                listening[fields[9]] = fields[1].split(":")[0].rjust(width, "0")
    found = set()
    for pid in pids:
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        for link in links:
            if link.startswith("socket:[") and link[8:-1] in listening:
                found.add(_decode(listening[link[8:-1]]))
    return found


def _decode(hex_address: str) -> str:
    if len(hex_address) == 8:
        return ".".join(str(int(hex_address[i:i + 2], 16)) for i in (6, 4, 2, 0))
    if hex_address.startswith("0000000000000000FFFF0000"):  # IPv4-mapped IPv6
        return "::ffff:" + _decode(hex_address[-8:])
    return "ipv6:" + hex_address
