"""Speech: ASR, words, fillers and speech metrics."""
