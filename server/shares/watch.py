"""Live viewing that ends when its access is revoked: SSE streams and WHEP viewers register here, and
revoking a share calls them back at once (in the revoking request), so the viewing ends within a second."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web

from server.keys import DB
from storage.models import PracticeSession, Share
from storage.shares import ShareRepository


@dataclass(eq=False)
class Watch:
    """One coach's live viewing of one session; ``on_revoke`` ends it."""

    user_id: str
    session_id: str
    owner_id: str
    on_revoke: Callable[[], None]
    revoked: bool = field(default=False)


class AccessWatches:
    """Every live viewing by a coach (owners and admins are not watched: nothing can revoke their access)."""

    def __init__(self) -> None:
        self._watches: set[Watch] = set()

    def __len__(self) -> int:
        return len(self._watches)

    def add(self, user_id: str, session: PracticeSession, on_revoke: Callable[[], None]) -> Watch:
        """Watch a viewing until :meth:`remove` (``on_revoke`` is called at most once)."""
        watch = Watch(user_id, session.id, session.owner_id, on_revoke)
        self._watches.add(watch)
        return watch

    def remove(self, watch: Watch) -> None:
        self._watches.discard(watch)

    @contextmanager
    def watching(self, user_id: str, session: PracticeSession, on_revoke: Callable[[], None]) -> Iterator[Watch]:
        """:meth:`add` for the duration of a ``with`` block."""
        watch = self.add(user_id, session, on_revoke)
        try:
            yield watch
        finally:
            self.remove(watch)

    def affected_by(self, share: Share) -> list[Watch]:
        """The viewings that ``share`` may have been granting."""
        return [
            w
            for w in self._watches
            if w.user_id == share.coach_id and w.owner_id == share.owner_id and share.session_id in (None, w.session_id)
        ]


_REGISTRIES: weakref.WeakKeyDictionary[web.Application, AccessWatches] = weakref.WeakKeyDictionary()


def watches(app: web.Application) -> AccessWatches:
    """The app's registry of watched viewings (made on first use; it goes with the app)."""
    registry = _REGISTRIES.get(app)
    if registry is None:
        registry = _REGISTRIES[app] = AccessWatches()
    return registry


async def end_revoked(app: web.Application, share: Share) -> int:
    """After ``share`` was deleted: end each viewing it granted that no other share still grants; return how many."""
    affected = watches(app).affected_by(share)
    if not affected:
        return 0
    async with app[DB]() as db:
        remaining = await ShareRepository(db).between(share.owner_id, share.coach_id)
    ended = 0
    for watch in affected:
        if not watch.revoked and not any(s.session_id in (None, watch.session_id) for s in remaining):
            watch.revoked = True
            watch.on_revoke()
            ended += 1
    return ended
