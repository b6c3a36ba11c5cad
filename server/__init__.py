"""The Podium aiohttp server: app factory, signaling, auth, REST API and CLI."""
