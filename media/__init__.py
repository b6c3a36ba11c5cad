"""Live media plane: WebRTC ingest, per-track pipelines, feedback, recording.

Importing this package must stay cheap and must never import TensorFlow (it crashes aiortc's DTLS set-up).
"""
