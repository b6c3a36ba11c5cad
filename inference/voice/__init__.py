"""Voice features per short audio frame: speech/silence, loudness, pitch."""

from inference.voice.analyzer import VoiceAnalyzer
from inference.voice.types import Pause, VoiceFrame, VoiceSummary

__all__ = ["Pause", "VoiceAnalyzer", "VoiceFrame", "VoiceSummary"]
