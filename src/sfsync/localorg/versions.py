"""API versions: the list `GET /services/data` returns and the range of versions accepted in URLs."""

from __future__ import annotations

import re

LATEST = 66  # the newest version accepted in URLs is also the last one listed, as in Salesforce
OLDEST_LISTED = 31
OLDEST_ACCEPTED = 20
_SEASONS = ("Winter", "Spring", "Summer")


def label(major: int) -> str:
    """Release names step Winter → Spring → Summer; v59.0 is Winter '24."""
    offset = major - 59
    return f"{_SEASONS[offset % 3]} '{24 + offset // 3:02d}"


def versions() -> list[dict[str, str]]:
    return [
        {"label": label(v), "url": f"/services/data/v{v}.0", "version": f"{v}.0"}
        for v in range(OLDEST_LISTED, LATEST + 1)
    ]


def known_version(text: str) -> bool:
    match = re.fullmatch(r"(\d{2})\.0", text)
    return match is not None and OLDEST_ACCEPTED <= int(match.group(1)) <= LATEST
