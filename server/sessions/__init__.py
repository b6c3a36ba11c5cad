"""Practice sessions: the REST resource, WHIP ingest and the observer event stream."""
