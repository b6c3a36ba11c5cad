"""The operational metrics the alert rules read, as /metrics shows them (server/ops_metrics.py)."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from media import metrics as media_metrics
from server.keys import DB
from storage.models import AnalysisJob, JobState, PracticeSession, SessionSource, User, utcnow


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_job_blob_and_capacity_gauges(client: TestClient) -> None:
    now = utcnow()
    async with client.app[DB]() as db:
        user = User(email="ops@example.com", password_hash="x")
        db.add(user)
        await db.flush()
        sessions = [PracticeSession(owner_id=user.id, source=SessionSource.UPLOAD) for _ in range(4)]
        db.add_all(sessions)
        await db.flush()
        db.add_all(
            [
                AnalysisJob(session_id=sessions[0].id, state=JobState.QUEUED, created_at=now - timedelta(seconds=600)),
                AnalysisJob(session_id=sessions[1].id, state=JobState.FAILED, finished_at=now - timedelta(minutes=5)),
                AnalysisJob(session_id=sessions[2].id, state=JobState.FAILED, finished_at=now - timedelta(hours=3)),
                AnalysisJob(
                    session_id=sessions[3].id,
                    state=JobState.SUCCEEDED,
                    started_at=now - timedelta(seconds=100),
                    finished_at=now - timedelta(seconds=40),
                ),
            ]
        )
        await db.commit()
    response = await client.get("/metrics")
    assert response.status == 200
    samples = _samples(await response.text())
    assert samples[("podium_analysis_jobs", (("state", "queued"),))] == 1
    assert samples[("podium_analysis_jobs", (("state", "failed"),))] == 2
    assert samples[("podium_analysis_jobs", (("state", "running"),))] == 0
    assert samples[("podium_analysis_jobs_failed_last_hour", ())] == 1
    assert samples[("podium_analysis_jobs_succeeded_last_hour", ())] == 1
    assert samples[("podium_analysis_job_seconds_last_hour", ())] == 60
    assert 600 <= samples[("podium_analysis_queue_oldest_seconds", ())] < 660
    free, size = samples[("podium_blob_store_free_bytes", ())], samples[("podium_blob_store_size_bytes", ())]
    assert 0 < free <= size
    assert samples[("podium_live_sessions_capacity", ())] == 4


def test_word_latency_counts_each_committed_word() -> None:
    before = next(iter(media_metrics.WORD_LATENCY.collect()))
    count = next(s.value for s in before.samples if s.name.endswith("_count"))
    total = next(s.value for s in before.samples if s.name.endswith("_sum"))
    media_metrics.observe_word_latency([("so", 1.0, 1.4), ("today", 1.5, 2.0)], media_now_s=3.0)
    after = next(iter(media_metrics.WORD_LATENCY.collect()))
    assert next(s.value for s in after.samples if s.name.endswith("_count")) == count + 2
    assert abs(next(s.value for s in after.samples if s.name.endswith("_sum")) - total - 2.6) < 1e-9
