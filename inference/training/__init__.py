"""Training scripts and corpus generators for Podium's models (run offline, never in the server)."""
