"""Fuzz a real ``podium serve``: the OpenAPI surface, WHIP offers, tus headers and mutated media files.

* **openapi**: schemathesis cases generated from ``/api/v1/openapi.json`` (valid and invalid by the schema,
  half of them on real ids: a session, an upload's session, a share, a note), sent with a real bearer token;
* **sdp**: hypothesis-generated SDP offers (a real browser-like offer with lines dropped, duplicated, replaced or
  with fields swapped for hostile values, and arbitrary text) POSTed to a session's WHIP endpoint;
* **tus**: hypothesis-generated tus headers (``Tus-Resumable``, ``Upload-Length``/``-Offset``/``-Metadata``,
  ``Content-Type``) on creation, ``HEAD``, ``PATCH`` and ``DELETE``;
* **media**: mutated copies (bit flips, truncations, zeroed and duplicated ranges, a corrupted header) of real
  generated media (``tests/generators``: WebM VP8 + Opus with speech, MP4 H.264 + AAC, WAV) uploaded over tus
  and, when accepted, analysed: each must end as a 4xx naming the problem or a job that succeeds or fails with a
  reason.

Counts every 5xx, transport error and server crash (the process exiting, or a request that hangs). Usage::

    python -m bench.fuzz [--openapi 2000] [--sdp 10000] [--tus 2000] [--media 1000] [--analyzer real|probe]
                         [--json out.json]

``--analyzer`` picks what the analysis job of an accepted upload runs: ``real`` (default) the full analysis
(Whisper, pose: seconds per file), ``decode`` the analysis' decoders on every audio sample and 5 video frames/s
without the models, ``probe`` the probe-only analyser of the tests (fastest).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import numpy as np
import requests
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st

from bench.reliability_support import Server, Tally, account, emit_report, loadavg

TIMEOUT_S = 20.0
ANALYZERS = {
    "real": "server.analysis.job:analyze_recording",
    "decode": "bench.fuzz:decode_analyze",
    "probe": "tests.jobs_support:fake_analyze",
}
TUS = {"Tus-Resumable": "1.0.0"}
SDP_TEMPLATE = [
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0 1 2",
    "a=msid-semantic: WMS",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 0",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:Ab12",
    "a=ice-pwd:abcdefghijklmnopqrstuvwx",
    "a=fingerprint:sha-256 " + ":".join(["AB"] * 32),
    "a=setup:actpass",
    "a=mid:0",
    "a=sendonly",
    "a=rtcp-mux",
    "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:0 PCMU/8000",
    "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host",
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
    "c=IN IP4 0.0.0.0",
    "a=mid:1",
    "a=sendonly",
    "a=rtcp-mux",
    "a=rtpmap:96 VP8/90000",
    "a=rtcp-fb:96 nack pli",
    "a=rtpmap:97 H264/90000",
    "a=fmtp:97 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
    "a=ssrc:1234 cname:abc",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    "c=IN IP4 0.0.0.0",
    "a=mid:2",
    "a=sctp-port:5000",
    "a=max-message-size:262144",
]
HOSTILE = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=40),
    st.sampled_from(["", " ", "²", "٣", "9" * 5000, "-1", "0", "65536", "NaN", "1e9", "opus/8000", "\x00", "ü"]),
)


def settings(examples: int, seed: int) -> Callable[[Any], Any]:
    def apply(fn: Any) -> Any:
        fn = hypothesis.settings(
            max_examples=examples,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(fn)
        return hypothesis.seed(seed)(fn)

    return apply


def send(tally: Tally, method: str, url: str, label: str, **kwargs: Any) -> requests.Response | None:
    """One request; a hang or a dropped connection counts as a transport error, a header the client cannot
    even encode is not sent at all."""
    try:
        response = requests.request(method, url, timeout=TIMEOUT_S, **kwargs)
    except (ValueError, UnicodeError, requests.exceptions.InvalidHeader):
        return None
    except requests.RequestException as exc:
        tally.transport_errors.append(f"{method} {label}: {type(exc).__name__}: {str(exc)[:200]}")
        return None
    tally.record(method, label, response.status_code, response.content[:300].decode(errors="replace"))
    return response


# ---- OpenAPI (schemathesis) ----


@dataclass
class Seeds:
    """Real objects the generated cases may name."""

    path_parameters: dict[str, str] = field(default_factory=dict)


def seed_objects(base: str, auth: dict[str, str], upload_session: str | None) -> Seeds:
    created = requests.post(f"{base}/api/v1/sessions", json={"title": "fuzz seed"}, headers=auth, timeout=30).json()
    sid = upload_session or created["id"]
    coach = f"coach-{uuid.uuid4().hex[:8]}@example.com"
    account(base, coach)
    share = requests.post(
        f"{base}/api/v1/shares", json={"coach_email": coach, "permission": "comment"}, headers=auth, timeout=30
    ).json()
    note = requests.post(f"{base}/api/v1/sessions/{sid}/notes", json={"t_s": 1, "text": "x"}, headers=auth, timeout=30)
    params = {"session_id": sid, "share_id": share.get("id", ""), "note_id": note.json().get("id", ""), "metric": "wpm"}
    params["upload_id"] = uuid.uuid4().hex
    return Seeds({k: v for k, v in params.items() if v})


def register_serializers() -> None:
    """SDP offers and tus chunks are bytes on the wire: generated values are sent as their text."""
    import schemathesis

    def raw(_ctx: Any, value: Any) -> bytes:
        return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")

    schemathesis.serializer("application/sdp", "application/offset+octet-stream")(raw)


def case_runner(
    server: Server, op: Any, strategy: Any, auth: dict[str, str], tally: Tally, examples: int, seed: int
) -> Callable[[], None]:
    """A hypothesis test sending ``examples`` cases of ``op`` (with ``auth``) and tallying the answers."""

    @hypothesis.given(case=strategy)
    @settings(examples, seed)
    def run(case: Any) -> None:
        headers = {**(case.headers or {}), **auth}
        try:
            response = case.call(base_url=server.base, headers=headers, timeout=TIMEOUT_S)
        except (ValueError, UnicodeError, requests.exceptions.InvalidHeader):
            return
        except requests.RequestException as exc:
            tally.transport_errors.append(f"{op.method} {op.path}: {type(exc).__name__}")
            return
        tally.record(op.method.upper(), op.path, response.status_code, response.content[:300].decode(errors="replace"))

    return run  # type: ignore[no-any-return]


def fuzz_openapi(server: Server, total: int, upload_session: str | None, seed: int = 0) -> Tally:
    import schemathesis
    from schemathesis.generation import GenerationMode

    tally = Tally()
    register_serializers()
    schema = schemathesis.openapi.from_url(server.base + "/api/v1/openapi.json")
    operations = [r.ok() for r in schema.get_all_operations()]  # type: ignore[union-attr]
    round_ = 0
    while tally.requests < total:
        email = f"fuzz-{uuid.uuid4().hex[:8]}@example.com"
        auth = account(server.base, email)
        seeds = seed_objects(server.base, auth, upload_session)
        per_op = max(2, (total - tally.requests) // len(operations) + 1)
        for op in operations:
            if round_ % 2 and op.path.endswith("/events"):
                continue  # a real session's event stream stays open by design
            mode = GenerationMode.NEGATIVE if round_ % 4 >= 2 else GenerationMode.POSITIVE
            names = {p.name for p in op.path_parameters}
            fixed = {k: v for k, v in seeds.path_parameters.items() if k in names} if round_ % 2 else {}
            strategy = op.as_strategy(generation_mode=mode, path_parameters=fixed or None)

            run = case_runner(server, op, strategy, auth, tally, per_op, seed * 1000 + round_)
            with contextlib.suppress(hypothesis.errors.Unsatisfiable):
                run()
            if not server.check_alive():
                return tally
        round_ += 1
    return tally


# ---- SDP offers at WHIP ----


@st.composite
def sdp_offers(draw: st.DrawFn) -> str:
    """A mutated browser-like offer, or (one in eight) arbitrary text."""
    if draw(st.integers(0, 7)) == 0:
        return draw(st.text(max_size=400))
    lines = list(SDP_TEMPLATE)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["drop", "dup", "field", "insert", "codec", "swap"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop" and len(lines) > 1:
            lines.pop(i)
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "field":
            parts = lines[i].split(" ")
            parts[draw(st.integers(0, len(parts) - 1))] = draw(HOSTILE)
            lines[i] = " ".join(parts)
        elif op == "insert":
            prefix = draw(st.sampled_from(["a=", "m=", "c=", "b=", "a=rtpmap:", "a=fmtp:", "a=candidate:", ""]))
            lines.insert(i, prefix + draw(HOSTILE))
        elif op == "codec":
            name = draw(st.sampled_from(["opus", "VP8", "H264", "PCMU", "VP9", "AV1", "x"]))
            rate = draw(st.sampled_from(["48000", "8000", "90000", "0", "-1", "99999999999", "²"]))
            lines.insert(i, f"a=rtpmap:{draw(st.integers(-5, 300))} {name}/{rate}")
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    sep = draw(st.sampled_from(["\r\n", "\n", "\r\n", "\r"]))
    return sep.join(lines) + sep


@dataclass
class WhipTarget:
    base: str
    auth: dict[str, str]
    whip: str = ""
    answered: int = 0

    def renew(self) -> None:
        created = requests.post(f"{self.base}/api/v1/sessions", json={"title": "sdp"}, headers=self.auth, timeout=30)
        self.whip = self.base + created.json()["whip_url"]


def fuzz_sdp(server: Server, total: int, seed: int = 0) -> tuple[Tally, int]:
    tally = Tally()
    target = WhipTarget(server.base, account(server.base, f"sdp-{uuid.uuid4().hex[:8]}@example.com"))
    target.renew()
    headers = {**target.auth, "Content-Type": "application/sdp"}

    @hypothesis.given(offer=sdp_offers())
    @settings(total, seed)
    def run(offer: str) -> None:
        response = send(
            tally, "POST", target.whip, "WHIP", data=offer.encode("utf-8", "surrogatepass"), headers=headers
        )
        if response is None:
            return
        if response.status_code == 201:
            target.answered += 1
            send(tally, "DELETE", server.base + response.headers["Location"], "WHIP DELETE", headers=target.auth)
            target.renew()
        elif response.status_code in (404, 409):
            target.renew()

    while tally.requests < total and server.check_alive():
        run()
        seed += 1
    return tally, target.answered


# ---- tus headers ----


HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=60)
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["9" * 5000, "²", "٣", " 1", "1 ", "+1", "0x10", "1.0", "", "00000000000000000001"]),
    HEADER_TEXT,
)


def metadata() -> st.SearchStrategy[str]:
    b64 = st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode())
    pair = st.tuples(st.sampled_from(["filename", "title", "x", "", "é"]), st.one_of(b64, HEADER_TEXT))
    listed = st.lists(pair, max_size=4).map(lambda ps: ",".join(f"{k} {v}" for k, v in ps))
    return st.one_of(listed, HEADER_TEXT)


def optional(strategy: st.SearchStrategy[str], default: str | None) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.just(default) if default is not None else st.none(), strategy)


def fuzz_tus(server: Server, total: int, seed: int = 0) -> Tally:
    tally = Tally()
    auth = account(server.base, f"tus-{uuid.uuid4().hex[:8]}@example.com")
    collection = server.base + "/api/v1/uploads"

    def fresh_upload() -> str:
        created = requests.post(collection, headers={**auth, **TUS, "Upload-Length": "100"}, timeout=30)
        return server.base + created.headers.get("Location", "/api/v1/uploads/" + uuid.uuid4().hex)

    target = [fresh_upload()]

    @hypothesis.given(
        method=st.sampled_from(["POST", "HEAD", "PATCH", "PATCH", "DELETE", "OPTIONS"]),
        where=st.sampled_from(["collection", "upload", "random"]),
        resumable=optional(HEADER_TEXT, "1.0.0"),
        length=optional(NUMBERS, "100"),
        offset=optional(NUMBERS, "0"),
        meta=optional(metadata(), None),
        ctype=optional(HEADER_TEXT, "application/offset+octet-stream"),
        body=st.binary(max_size=200),
    )
    @settings(total, seed)
    def run(
        method: str,
        where: str,
        resumable: str | None,
        length: str | None,
        offset: str | None,
        meta: str | None,
        ctype: str | None,
        body: bytes,
    ) -> None:
        url = {"collection": collection, "upload": target[0], "random": f"{collection}/{uuid.uuid4().hex}"}[where]
        values = {
            "Tus-Resumable": resumable,
            "Upload-Length": length,
            "Upload-Offset": offset,
            "Upload-Metadata": meta,
            "Content-Type": ctype,
        }
        headers = {**auth, **{k: v for k, v in values.items() if v is not None}}
        response = send(tally, method, url, f"tus {method} {where}", headers=headers, data=body)
        if response is not None and where == "upload" and response.status_code in (204, 404, 409, 410):
            target[0] = fresh_upload()

    while tally.requests < total and server.check_alive():
        run()
        seed += 1
    return tally


# ---- mutated media through upload and analysis ----


def decode_analyze(
    path: Path, models_dir: Path, options: dict[str, Any], progress: Callable[[str, float], None]
) -> dict:  # type: ignore[type-arg]
    """An analyser for ``--analyzer decode``: probes the file and decodes all of its audio and its video at 5 fps
    with the analysis' own decoders (``media.offline.decode``), without the models, and returns a tiny report."""
    from media.offline.decode import iter_audio, iter_video_frames, probe

    info = probe(path)
    for _ in iter_audio(info):
        pass
    progress("decode audio", 0.5)
    for _ in iter_video_frames(info, fps=5.0):
        pass
    progress("decode video", 1.0)
    return {
        "schema_version": 1,
        "duration_s": round(info.duration_s, 3),
        "has_audio": info.has_audio,
        "speech": None,
        "body": None,
        "warnings": [],
    }


def base_media(out: Path) -> list[Path]:
    """Real generated media: a WebM (VP8 + Opus speech), an MP4 (H.264 + AAC) and a WAV, 2 s each."""
    from media.offline.encode import write_audio
    from tests.generators.speech import speech_clip
    from tests.generators.video import VideoScript, write_video

    clip = speech_clip("Good morning everyone, um, today we talk.")
    pcm = clip.samples[: 16000 * 2]
    audio48 = np.repeat(pcm, 3)
    script = VideoScript(width=320, height=240, fps=10, duration_s=2.0)
    webm, mp4, wav = out / "base.webm", out / "base.mp4", out / "base.wav"
    write_video(webm, script, audio=audio48)
    write_video(mp4, script, audio=audio48)
    write_audio(wav, pcm, 16000)
    return [webm, mp4, wav]


def mutate(data: bytes, rng: np.random.Generator) -> tuple[bytes, str]:
    """One mutated copy of ``data`` and what was done to it."""
    buf = bytearray(data)
    kind = str(rng.choice(["flip", "flip_many", "truncate", "zero", "duplicate", "header"]))
    if kind == "flip":
        for _ in range(int(rng.integers(1, 8))):
            i = int(rng.integers(0, len(buf)))
            buf[i] ^= 1 << int(rng.integers(0, 8))
    elif kind == "flip_many":
        idx = rng.integers(0, len(buf), size=max(1, len(buf) // 200))
        for i in idx:
            buf[int(i)] ^= int(rng.integers(1, 256))
    elif kind == "truncate":
        buf = buf[: int(rng.integers(1, len(buf)))]
    elif kind == "zero":
        start = int(rng.integers(0, len(buf)))
        end = min(len(buf), start + int(rng.integers(1, 4096)))
        buf[start:end] = bytes(end - start)
    elif kind == "duplicate":
        start = int(rng.integers(0, len(buf)))
        chunk = buf[start : start + int(rng.integers(1, 8192))]
        at = int(rng.integers(0, len(buf)))
        buf[at:at] = chunk
    else:
        for _ in range(int(rng.integers(1, 6))):
            i = int(rng.integers(0, min(64, len(buf))))
            buf[i] = int(rng.integers(0, 256))
    return bytes(buf), kind


@dataclass
class FileOutcome:
    name: str
    mutation: str
    upload_status: int | None = None
    upload_code: str | None = None
    session_id: str | None = None
    job_state: str | None = None
    reason: str | None = None

    @property
    def verdict(self) -> str:
        if self.upload_status is None:
            return "transport_error"
        if self.upload_status >= 500:
            return "5xx"
        if self.upload_status >= 400:
            return "rejected_4xx" if self.upload_code else "4xx_without_code"
        if self.job_state == "succeeded":
            return "analysed"
        if self.job_state == "failed":
            return "job_failed" if self.reason else "job_failed_without_reason"
        return "job_unfinished"


def upload(tally: Tally, base: str, auth: dict[str, str], data: bytes, name: str, outcome: FileOutcome) -> None:
    meta = "filename " + base64.b64encode(name.encode()).decode()
    created = send(
        tally,
        "POST",
        base + "/api/v1/uploads",
        "media POST",
        headers={**auth, **TUS, "Upload-Length": str(len(data)), "Upload-Metadata": meta},
    )
    if created is None:
        return
    if created.status_code != 201:
        outcome.upload_status = created.status_code
        outcome.upload_code = _error_code(created)
        return
    headers = {**auth, **TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
    patched = send(tally, "PATCH", base + created.headers["Location"], "media PATCH", headers=headers, data=data)
    if patched is None:
        return
    outcome.upload_status = patched.status_code
    outcome.upload_code = _error_code(patched)
    outcome.session_id = patched.headers.get("Podium-Session-Id")


def _error_code(response: requests.Response) -> str | None:
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        code = response.json()["error"]["code"]
        return str(code)
    return None


def wait_jobs(
    tally: Tally, server: Server, auth: dict[str, str], outcomes: Sequence[FileOutcome], limit_s: float
) -> None:
    pending = [o for o in outcomes if o.session_id is not None]
    deadline = time.monotonic() + limit_s
    while pending and time.monotonic() < deadline and server.check_alive():
        still = []
        for o in pending:
            url = f"{server.base}/api/v1/sessions/{o.session_id}/analysis"
            response = send(tally, "GET", url, "analysis GET", headers=auth)
            job = response.json() if response is not None and response.status_code == 200 else {}
            if job.get("state") in ("succeeded", "failed"):
                o.job_state, o.reason = job["state"], job.get("error")
            else:
                still.append(o)
        pending = still
        if pending:
            time.sleep(0.5)


def fuzz_media(
    server: Server, total: int, work: Path, batch: int, job_limit_s: float, seed: int = 0, parallel: int = 1
) -> dict[str, Any]:
    tally = Tally()
    auth = account(server.base, f"media-{uuid.uuid4().hex[:8]}@example.com")
    bases = [(p.name, p.read_bytes()) for p in base_media(work)]
    rng = np.random.default_rng(seed)
    outcomes: list[FileOutcome] = []
    for start in range(0, total, batch):
        chunk, files = [], []
        for i in range(start, min(total, start + batch)):
            name, data = bases[i % len(bases)]
            mutated, kind = mutate(data, rng)
            chunk.append(FileOutcome(f"{i}-{name}", kind))
            files.append(mutated)
        with ThreadPoolExecutor(parallel) as pool:
            list(pool.map(lambda o, d: upload(tally, server.base, auth, d, o.name, o), chunk, files))
        wait_jobs(tally, server, auth, chunk, job_limit_s)
        outcomes += chunk
        if not server.check_alive():
            break
    verdicts: dict[str, int] = {}
    for o in outcomes:
        verdicts[o.verdict] = verdicts.get(o.verdict, 0) + 1
    codes: dict[str, int] = {}
    for o in outcomes:
        key = o.upload_code or o.reason or o.job_state or "?"
        key = key.split(":")[0][:60]
        codes[key] = codes.get(key, 0) + 1
    bad = [o.__dict__ for o in outcomes if o.verdict not in ("rejected_4xx", "analysed", "job_failed")]
    return {"files": len(outcomes), "verdicts": verdicts, "reasons": codes, "bad": bad[:20], **tally.summary()}


def sdp_section(server: Server, total: int, seed: int) -> dict[str, Any]:
    sdp, answered = fuzz_sdp(server, total, seed)
    return {**sdp.summary(), "answered_201": answered}


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="podium-fuzz-"))
    analyzer = ANALYZERS[args.analyzer]
    env = {"PODIUM_PRELOAD_MODELS": "false", "PODIUM_LIVE_ASR": "false", "PODIUM_JOBS_ANALYZER": analyzer}
    server = Server(work / "server", env)
    report: dict[str, Any] = {"load_start": loadavg(), "analyzer": args.analyzer}
    server.start()
    try:
        t0 = time.monotonic()
        sections: list[tuple[str, Callable[[], dict[str, Any]]]] = [
            ("sdp", lambda: sdp_section(server, args.sdp, args.seed)),
            ("tus", lambda: fuzz_tus(server, args.tus, args.seed).summary()),
            ("openapi", lambda: fuzz_openapi(server, args.openapi, None, args.seed).summary()),
            (
                "media",
                lambda: fuzz_media(server, args.media, work, args.batch, args.job_limit, args.seed, args.parallel),
            ),
        ]
        for name, section in sections:
            if getattr(args, name):
                started = time.monotonic()
                report[name] = {**section(), "seconds": round(time.monotonic() - started, 1)}
                if args.json is not None:
                    args.json.write_text(json.dumps(report, indent=1))
        report["elapsed_s"] = round(time.monotonic() - t0, 1)
        report["server_alive"] = server.check_alive()
    finally:
        server.stop()
    report["server_crashes"] = len(server.crashes)
    report["unhandled_errors_logged"] = server.log_errors()[:10]
    report["load_end"] = loadavg()
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--openapi", type=int, default=2000, help="schemathesis requests (at least)")
    parser.add_argument("--sdp", type=int, default=10000, help="generated SDP offers")
    parser.add_argument("--tus", type=int, default=2000, help="generated tus requests")
    parser.add_argument("--media", type=int, default=1000, help="mutated media files")
    parser.add_argument("--analyzer", choices=sorted(ANALYZERS), default="real")
    parser.add_argument("--parallel", type=int, default=1, help="uploads in flight at once")
    parser.add_argument("--batch", type=int, default=20, help="files uploaded before waiting for their jobs")
    parser.add_argument("--job-limit", type=float, default=600.0, help="seconds to wait for one batch's jobs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    report = run_all(args)
    emit_report(report, args.json)


if __name__ == "__main__":
    main()
