"""Network Access: the org's trusted IP ranges, and whether a login must carry the security token.

Salesforce blocks a password login (SOAP `login()` and the OAuth username-password flow) from an IP
address outside the org's trusted ranges unless the user's security token is appended to the
password. A new org trusts no range, so the token is required by default; a seed (or the control
API) may trust ranges, as Setup → Network Access does.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class IpRange:
    """An inclusive range of addresses, `start` to `end` (one address when they are equal)."""

    start: str
    end: str

    def __post_init__(self) -> None:
        first, last = ipaddress.ip_address(self.start), ipaddress.ip_address(self.end)  # ValueError when malformed
        if first.version != last.version or int(first) > int(last):
            raise ValueError(f"IP range {self.start}-{self.end} does not run from a lower to a higher address")

    def holds(self, address: Address) -> bool:
        first, last = ipaddress.ip_address(self.start), ipaddress.ip_address(self.end)
        return first.version == address.version and int(first) <= int(address) <= int(last)


def parse_ranges(raw: Iterable[Mapping[str, Any]]) -> tuple[IpRange, ...]:
    """`[{start, end}]` (the seed's and the control API's form); `end` defaults to `start`."""
    return tuple(IpRange(str(item["start"]), str(item.get("end", item["start"]))) for item in raw)


def trusted(ranges: Iterable[IpRange], remote_addr: str | None) -> bool:
    """Whether a login from `remote_addr` is inside a trusted range (an unknown address never is)."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(item.holds(address) for item in ranges)
