"""Deterministic test-media generators (video of a real photo with scripted motion, …)."""
