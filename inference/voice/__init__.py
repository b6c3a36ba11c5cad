"""Voice features per short audio frame: speech/silence, loudness, pitch."""
