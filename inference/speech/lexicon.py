"""Word lists for filler, hedge and repetition analysis, loaded from ``lexicon.json`` next to this module."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LEXICON_PATH = Path(__file__).with_name("lexicon.json")

_EDGE_PUNCT = re.compile(r"^[^\w']+|[^\w']+$")


def normalize_token(text: str) -> str:
    """Lower-case a transcript token and strip surrounding punctuation ("Um," → "um", "…so?" → "so")."""
    return _EDGE_PUNCT.sub("", text.strip().lower().replace("’", "'"))


def ends_sentence(text: str) -> bool:
    """True when a transcript token ends with sentence-final punctuation (. ? ! …)."""
    return text.rstrip().rstrip("\"')]").endswith((".", "?", "!", "…"))


def has_trailing_comma(text: str) -> bool:
    """True when a transcript token ends with a comma, dash or semicolon (a parenthetical break)."""
    return text.rstrip().endswith((",", ";", "-", "—", "–"))


Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """Normalised word lists. Multi-word entries are token tuples, e.g. ``("you", "know")``."""

    non_lexical: frozenset[str]
    non_lexical_patterns: tuple[re.Pattern[str], ...]
    lexical: tuple[Phrase, ...]
    hedges: tuple[Phrase, ...]
    stopwords: frozenset[str]
    lookalikes: frozenset[str] = frozenset()
    """Interjections and letters Whisper writes for a hesitation it does not take for one ("oh", "aw", "hum",
    "R" for a drawn-out "ah"): fillers when the acoustic detector hears one there
    (:func:`~inference.speech.filler_fusion.reread_lookalikes`)."""

    def is_filler_lookalike(self, token: str) -> bool:
        return normalize_token(token) in self.lookalikes

    def is_non_lexical_filler(self, token: str) -> bool:
        """True for "um", "Uhh,", "hmm…" and other hesitation sounds (the token may carry punctuation)."""
        norm = normalize_token(token)
        if not norm:
            return False
        return norm in self.non_lexical or any(p.match(norm) for p in self.non_lexical_patterns)


def _phrases(items: list[str]) -> tuple[Phrase, ...]:
    phrases = {tuple(normalize_token(t) for t in item.split()) for item in items}
    return tuple(sorted(phrases, key=lambda p: (-len(p), p)))


def parse_lexicon(data: dict[str, list[str]]) -> Lexicon:
    """Build a :class:`Lexicon` from the JSON structure of ``lexicon.json``."""
    return Lexicon(
        non_lexical=frozenset(normalize_token(t) for t in data.get("non_lexical_fillers", [])),
        non_lexical_patterns=tuple(re.compile(p) for p in data.get("non_lexical_patterns", [])),
        lexical=_phrases(data.get("lexical_fillers", [])),
        hedges=_phrases(data.get("hedges", [])),
        stopwords=frozenset(normalize_token(t) for t in data.get("stopwords", [])),
        lookalikes=frozenset(normalize_token(t) for t in data.get("filler_lookalikes", [])),
    )


@functools.lru_cache(maxsize=8)
def load_lexicon(path: Path = DEFAULT_LEXICON_PATH) -> Lexicon:
    """Load (and cache) a lexicon file; the default one ships with the package."""
    with Path(path).open(encoding="utf-8") as fh:
        return parse_lexicon(json.load(fh))
