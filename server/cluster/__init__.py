"""Several `podium serve` nodes sharing live sessions through Redis (in-process only when no Redis is set)."""
