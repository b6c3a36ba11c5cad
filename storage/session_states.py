"""The practice-session state machine: created → live → ended → analyzing → analyzed | failed.

A live session whose server died is ``interrupted`` instead of ``ended`` (found at the next start-up, see
``server/recovery.py``) and is analysed like an ended one.
"""

from __future__ import annotations

from storage.models import SessionState

ALLOWED_TRANSITIONS: dict[SessionState, frozenset[SessionState]] = {
    SessionState.CREATED: frozenset({SessionState.LIVE, SessionState.ENDED, SessionState.FAILED}),
    SessionState.LIVE: frozenset({SessionState.ENDED, SessionState.FAILED, SessionState.INTERRUPTED}),
    SessionState.INTERRUPTED: frozenset({SessionState.ANALYZING, SessionState.FAILED}),
    SessionState.ENDED: frozenset({SessionState.ANALYZING, SessionState.FAILED}),
    SessionState.ANALYZING: frozenset({SessionState.ANALYZED, SessionState.FAILED}),
    SessionState.ANALYZED: frozenset({SessionState.ANALYZING}),
    SessionState.FAILED: frozenset({SessionState.ANALYZING}),
}


class InvalidTransition(ValueError):
    """A session state change the state machine does not allow."""

    def __init__(self, current: SessionState, target: SessionState) -> None:
        super().__init__(f"cannot move a session from {current.value} to {target.value}")
        self.current = current
        self.target = target


def check_transition(current: SessionState, target: SessionState) -> None:
    """Raise :class:`InvalidTransition` unless ``current → target`` is allowed."""
    if target not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransition(current, target)
