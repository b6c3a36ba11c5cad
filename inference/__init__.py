"""Pure computation on arrays: pose, voice, speech and scoring. No network, no event loop."""
