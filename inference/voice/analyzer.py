"""Streaming voice analysis of 16 kHz mono PCM: VAD, loudness, pitch, pauses and utterance cutting."""

from __future__ import annotations

import numpy as np
import webrtcvad

from inference.speech.types import SAMPLE_RATE, Utterance
from inference.voice.dsp import PITCH_CONTEXT, VOICING_MIN_DBFS, dbfs, pitch_spread_st, yin_f0
from inference.voice.segmenter import PauseTracker, UtteranceSegmenter
from inference.voice.types import FRAME_S, Pause, VoiceFrame, VoiceSummary

FRAME_SAMPLES = round(FRAME_S * SAMPLE_RATE)
MONOTONE_MAX_ST = 1.5
"""Pitch spread (semitones) at or below which speech counts as monotone."""
MONOTONE_MIN_VOICED_S = 1.5
"""Voiced speech needed in the window before the monotone flag can be raised."""
_GAP_TOLERANCE_S = 0.05
_CONTEXT_OFFSETS = np.arange(PITCH_CONTEXT)
_BLOCK_SAMPLES = 256 * FRAME_SAMPLES


def power_mean_dbfs(levels_dbfs: np.ndarray) -> float:
    """Equivalent level of frames given in dBFS (mean of their powers); NaN for no frames."""
    levels = np.asarray(levels_dbfs, dtype=np.float64)
    if levels.size == 0:
        return float("nan")
    return float(10.0 * np.log10(np.mean(10.0 ** (levels / 10.0))))


class VoiceAnalyzer:
    """Analyses a live 16 kHz mono int16 stream in 30 ms frames.

    Feed audio of any length with :meth:`push` (with the media time of its first sample); read the rolling
    :meth:`summary`, and collect finished utterances (for ASR) and pauses with :meth:`pop_utterances` and
    :meth:`pop_pauses`. A jump in media time of more than 50 ms closes the open utterance and restarts
    framing at the new time. All buffers are bounded; the cost is a few tens of microseconds per frame.
    """

    def __init__(
        self,
        window_s: float = 10.0,
        vad_mode: int = 2,
        max_utterance_s: float = 8.0,
        min_pause_s: float = 1.0,
        monotone_max_st: float = MONOTONE_MAX_ST,
    ) -> None:
        self._vad = webrtcvad.Vad(vad_mode)
        self._segmenter = UtteranceSegmenter(max_utterance_s=max_utterance_s)
        self._pauses = PauseTracker(min_pause_s=min_pause_s)
        self._monotone_max_st = monotone_max_st
        size = max(1, round(window_s / FRAME_S))
        self._win_speech = np.zeros(size, dtype=bool)
        self._win_dbfs = np.zeros(size)
        self._win_f0 = np.full(size, np.nan)
        self._win_pos = 0
        self._win_count = 0
        self._carry = np.zeros(0, dtype=np.int16)
        self._carry_t: float | None = None
        self._history = np.zeros(PITCH_CONTEXT - FRAME_SAMPLES, dtype=np.int16)
        self._t_end = 0.0

    @property
    def dropped_utterances(self) -> int:
        """Utterances discarded because nobody popped them in time."""
        return self._segmenter.dropped

    def push(self, pcm16: np.ndarray, t_s: float) -> list[VoiceFrame]:
        """Analyse ``pcm16`` (int16 samples at 16 kHz, first sample at media time ``t_s``).

        Returns one :class:`VoiceFrame` per complete 30 ms frame; leftover samples wait for the next push.
        Long inputs (a whole file) are processed in blocks so memory stays bounded.
        """
        pcm = np.asarray(pcm16)
        if pcm.dtype != np.int16:
            raise TypeError(f"pcm16 must be int16, got {pcm.dtype}")
        pcm = pcm.reshape(-1)
        if len(pcm) > _BLOCK_SAMPLES:
            out: list[VoiceFrame] = []
            for i in range(0, len(pcm), _BLOCK_SAMPLES):
                out += self._push_block(pcm[i : i + _BLOCK_SAMPLES], t_s + i / SAMPLE_RATE)
            return out
        return self._push_block(pcm, t_s)

    def _push_block(self, pcm: np.ndarray, t_s: float) -> list[VoiceFrame]:
        if self._carry_t is not None:
            expected = self._carry_t + len(self._carry) / SAMPLE_RATE
            if abs(t_s - expected) > _GAP_TOLERANCE_S:
                self._restart()
        if self._carry_t is None:
            self._carry_t = t_s
        buf = np.concatenate([self._carry, pcm]) if self._carry.size else pcm
        n = len(buf) // FRAME_SAMPLES
        self._carry = buf[n * FRAME_SAMPLES :].copy()
        t0 = self._carry_t
        self._carry_t = t0 + n * FRAME_S
        if n == 0:
            return []
        body = buf[: n * FRAME_SAMPLES]
        frames = body.reshape(n, FRAME_SAMPLES)
        extended = np.concatenate([self._history, body])
        self._history = extended[-(PITCH_CONTEXT - FRAME_SAMPLES) :].copy()
        levels = dbfs(frames)
        f0s = np.full(n, np.nan)
        loud = np.nonzero(levels >= VOICING_MIN_DBFS)[0]
        if loud.size:
            f0s[loud] = yin_f0(extended[loud[:, None] * FRAME_SAMPLES + _CONTEXT_OFFSETS])
        frames_out: list[VoiceFrame] = []
        for i in range(n):
            t = round(t0 + i * FRAME_S, 6)
            speech = self._vad.is_speech(frames[i].tobytes(), SAMPLE_RATE)
            level = float(levels[i])
            frame = VoiceFrame(t_s=t, is_speech=speech, dbfs=level, f0_hz=float(f0s[i]))
            frames_out.append(frame)
            self._segmenter.push(t, speech, level, frames[i])
            self._pauses.push(t, speech, level)
            self._remember(frame)
        self._t_end = round(t0 + n * FRAME_S, 6)
        return frames_out

    @property
    def t_end(self) -> float:
        """Media time of the end of the last analysed frame."""
        return self._t_end

    def summary(self) -> VoiceSummary:
        """Voice measures over the last ``window_s`` of frames."""
        k = min(self._win_count, len(self._win_speech))
        speech = self._win_speech[:k]
        levels = self._win_dbfs[:k][speech]
        f0 = self._win_f0[:k][speech]
        voiced = f0[np.isfinite(f0)]
        spread = pitch_spread_st(voiced)
        monotone = bool(
            voiced.size * FRAME_S >= MONOTONE_MIN_VOICED_S and np.isfinite(spread) and spread <= self._monotone_max_st
        )
        return VoiceSummary(
            t_s=self._t_end,
            speaking=self._pauses.speaking(self._t_end),
            dbfs=power_mean_dbfs(levels),
            pitch_hz=float(np.median(voiced)) if voiced.size else float("nan"),
            pitch_variation_st=spread,
            current_pause_s=round(self._pauses.current_pause_s(self._t_end), 6),
            speech_ratio=float(speech.mean()) if speech.size else 0.0,
            monotone=monotone,
        )

    def pop_utterances(self) -> list[Utterance]:
        """Finished speech segments (float32 samples, padded, each ≤ ``max_utterance_s``), oldest first."""
        return self._segmenter.pop()

    def open_utterance(self) -> Utterance | None:
        """The speech segment still being spoken (a copy, ≤ ``max_utterance_s``), or None in silence."""
        return self._segmenter.open_utterance()

    @property
    def open_utterance_s(self) -> float:
        """Length of the segment still being spoken, in seconds (0 in silence)."""
        return self._segmenter.open_s

    def pop_pauses(self) -> list[Pause]:
        """Completed pauses of at least ``min_pause_s`` between speech, oldest first."""
        return self._pauses.pop()

    def flush(self) -> None:
        """End of stream: close the open utterance so that :meth:`pop_utterances` returns it."""
        self._segmenter.flush()

    def _restart(self) -> None:
        self._segmenter.flush()
        self._carry = np.zeros(0, dtype=np.int16)
        self._carry_t = None
        self._history = np.zeros(PITCH_CONTEXT - FRAME_SAMPLES, dtype=np.int16)

    def _remember(self, frame: VoiceFrame) -> None:
        pos = self._win_pos
        self._win_speech[pos] = frame.is_speech
        self._win_dbfs[pos] = frame.dbfs
        self._win_f0[pos] = frame.f0_hz
        self._win_pos = (pos + 1) % len(self._win_speech)
        self._win_count += 1
