"""Set-up-time preparation of model assets (the only code allowed to use the network, via package clients)."""
