"""The Prometheus registry of the app and the HTTP metrics on it."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram


@dataclass(frozen=True)
class HttpMetrics:
    """Request counters and latency histograms."""

    requests: Counter
    latency: Histogram

    @classmethod
    def register(cls, registry: CollectorRegistry) -> HttpMetrics:
        return cls(
            requests=Counter(
                "podium_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry
            ),
            latency=Histogram(
                "podium_http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry
            ),
        )
