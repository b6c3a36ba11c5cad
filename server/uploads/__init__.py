"""Resumable uploads of recorded talks (tus 1.0)."""
