"""What nodes tell each other on the bus, as compact JSON (pure: encode and parse, nothing else)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from media.feedback import NoteFeedback

FEED_END = ""
"""Sent on a feed channel when its session ended (feedback messages are never empty)."""


def note_message(session_id: str, note: NoteFeedback, to_publisher: bool) -> str:
    """The inbox message carrying ``note`` to the node holding ``session_id``."""
    body = {"id": note.id, "t_s": note.t_s, "author": note.author, "text": note.text, "tag": note.tag}
    return json.dumps({"session_id": session_id, "to_publisher": to_publisher, "note": body}, separators=(",", ":"))


def parse_note_message(raw: str) -> tuple[str, NoteFeedback, bool] | None:
    """``(session id, note, to_publisher)`` of an inbox message, None if unreadable."""
    try:
        data = json.loads(raw)
        n = data["note"]
        tag = n.get("tag")
        note = NoteFeedback(
            t_s=float(n["t_s"]), id=str(n["id"]), author=str(n["author"]), text=str(n["text"]), tag=tag and str(tag)
        )
        return str(data["session_id"]), note, bool(data["to_publisher"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class Revocation:
    """A share was deleted on node ``node_id``: every node ends the live viewing it granted."""

    node_id: str
    owner_id: str
    coach_id: str
    session_id: str | None

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> Revocation | None:
        try:
            data = json.loads(raw)
            session_id = data["session_id"]
            return cls(
                str(data["node_id"]),
                str(data["owner_id"]),
                str(data["coach_id"]),
                None if session_id is None else str(session_id),
            )
        except (ValueError, KeyError, TypeError):
            return None
