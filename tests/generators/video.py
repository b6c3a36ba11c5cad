"""Test video of a real person with known ground truth.

matplotlib ships a real head-and-shoulders photo (``grace_hopper.jpg``, person ``"hopper"``: the one the
project tunes on); scikit-image ships a second (``astronaut.png``, person ``"astronaut"``: held out, for
evaluation only, never for training or tuning). A :class:`VideoScript` places the chosen photo on
a plain canvas and moves it over time: rotation (``tilt_deg``, positive = counter-clockwise as seen in the
image, i.e. the person's image-right/anatomical-left shoulder goes up), horizontal and vertical offset in
pixels (sway, cut-off framing), scale (distance) and absence intervals. Keyframes are ``(t_s, value)`` pairs
interpolated linearly. Frames come out as RGB uint8 arrays with a :class:`FrameTruth` each; helpers write
them to WebM/MP4 with PyAV or to a y4m file for Chromium's fake camera.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import av
import matplotlib
import numpy as np
from PIL import Image

Keyframes = tuple[tuple[float, float], ...]
VideoCodec = Literal["vp8", "h264"]
Person = Literal["hopper", "astronaut"]
PERSONS: tuple[Person, ...] = ("hopper", "astronaut")
HELD_OUT_PERSONS: frozenset[Person] = frozenset({"astronaut"})
"""People never used for training or tuning; benchmarks report them apart."""

PHOTO_SHOULDER_Y = 0.78
"""Approximate height of the shoulder line in the photo (fraction of its height): the rotation pivot."""


_SHOULDER_Y: dict[str, float] = {"hopper": PHOTO_SHOULDER_Y, "astronaut": 0.55}


def photo_path(person: Person = "hopper") -> Path:
    """Path of a real photo: matplotlib's Grace Hopper, or scikit-image's astronaut (dev dependency)."""
    if person == "astronaut":
        spec = importlib.util.find_spec("skimage")
        if spec is None or spec.origin is None:
            raise FileNotFoundError("person 'astronaut' needs scikit-image (pip install -e '.[dev]')")
        return Path(spec.origin).parent / "data" / "astronaut.png"
    return Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"


@lru_cache(maxsize=4)
def _photo_rgba(person: Person = "hopper") -> Image.Image:
    return Image.open(photo_path(person)).convert("RGBA")


def load_person_photo(person: Person = "hopper") -> np.ndarray:
    """The photo as an ``H×W×3`` uint8 RGB array (hopper 600×512, astronaut 512×512)."""
    return np.asarray(_photo_rgba(person).convert("RGB"))


@dataclass(frozen=True)
class FrameTruth:
    """What a frame shows. ``x_offset_px``/``y_offset_px`` move the photo from its home position."""

    t_s: float
    tilt_deg: float
    x_offset_px: float
    y_offset_px: float
    scale: float
    person_visible: bool
    width: int
    height: int

    @property
    def x_offset_norm(self) -> float:
        """Horizontal offset as a fraction of the frame width (the unit of normalised landmark x)."""
        return self.x_offset_px / self.width


@dataclass(frozen=True)
class VideoScript:
    """A scripted scene. The default is a still, upright person for 2 s at 10 fps on a 640×480 canvas.

    ``person_height`` is the photo's height relative to the canvas height at ``scale`` 1; the photo's bottom
    edge sits on the canvas bottom (a webcam framing head and shoulders), centred horizontally.
    """

    duration_s: float = 2.0
    fps: float = 10.0
    width: int = 640
    height: int = 480
    tilt_deg: Keyframes = ((0.0, 0.0),)
    x_offset_px: Keyframes = ((0.0, 0.0),)
    y_offset_px: Keyframes = ((0.0, 0.0),)
    scale: Keyframes = ((0.0, 1.0),)
    absent: tuple[tuple[float, float], ...] = ()
    person_height: float = 0.9
    background_rgb: tuple[int, int, int] = (196, 188, 172)
    noise_std: float = 0.0
    seed: int = 0
    frame_times: Sequence[float] | None = field(default=None, compare=False)
    person: Person = "hopper"

    def times(self) -> list[float]:
        """Presentation times of all frames."""
        if self.frame_times is not None:
            return list(self.frame_times)
        n = max(1, math.ceil(self.duration_s * self.fps - 1e-9))
        return [i / self.fps for i in range(n)]

    def truth_at(self, t_s: float) -> FrameTruth:
        """Ground truth at media time ``t_s``."""
        return FrameTruth(
            t_s=t_s,
            tilt_deg=_interp(self.tilt_deg, t_s),
            x_offset_px=_interp(self.x_offset_px, t_s),
            y_offset_px=_interp(self.y_offset_px, t_s),
            scale=_interp(self.scale, t_s),
            person_visible=not any(a <= t_s < b for a, b in self.absent),
            width=self.width,
            height=self.height,
        )


def _interp(keys: Keyframes, t_s: float) -> float:
    ts = [k[0] for k in keys]
    vs = [k[1] for k in keys]
    return float(np.interp(t_s, ts, vs))


def sway_keyframes(amplitude: float, period_s: float, duration_s: float, step_s: float = 0.05) -> Keyframes:
    """Sinusoidal keyframes ``amplitude·sin(2πt/period)`` (use for ``x_offset_px`` sway or tilt rocking)."""
    n = math.ceil(duration_s / step_s) + 1
    return tuple((i * step_s, amplitude * math.sin(2 * math.pi * i * step_s / period_s)) for i in range(n))


def render_frame(script: VideoScript, truth: FrameTruth) -> np.ndarray:
    """Draw one frame for ``truth`` (``H×W×3`` uint8 RGB)."""
    canvas = Image.new("RGBA", (script.width, script.height), (*script.background_rgb, 255))
    if truth.person_visible:
        photo = _photo_rgba(script.person)
        ph = max(1, round(script.height * script.person_height * truth.scale))
        pw = max(1, round(photo.width * ph / photo.height))
        scaled = photo.resize((pw, ph), Image.Resampling.BILINEAR)
        x0 = round((script.width - pw) / 2 + truth.x_offset_px)
        y0 = round(script.height - ph + truth.y_offset_px)
        layer = Image.new("RGBA", (script.width, script.height), (0, 0, 0, 0))
        layer.paste(scaled, (x0, y0))
        if truth.tilt_deg:
            pivot = (x0 + pw / 2, y0 + ph * _SHOULDER_Y[script.person])
            layer = layer.rotate(truth.tilt_deg, resample=Image.Resampling.BILINEAR, center=pivot)
        canvas.alpha_composite(layer)
    frame = np.asarray(canvas.convert("RGB"))
    if script.noise_std > 0:
        rng = np.random.default_rng((script.seed, round(truth.t_s * 1e6)))
        noisy = frame.astype(np.float32) + rng.normal(0.0, script.noise_std, frame.shape)
        frame = np.clip(noisy, 0, 255).astype(np.uint8)
    return frame


def generate_frames(script: VideoScript) -> Iterator[tuple[np.ndarray, FrameTruth]]:
    """Yield ``(frame_rgb, truth)`` for every frame of the script, lazily."""
    for t in script.times():
        truth = script.truth_at(t)
        yield render_frame(script, truth), truth


def write_video(
    path: Path,
    script: VideoScript,
    codec: VideoCodec | None = None,
    audio: np.ndarray | None = None,
    sample_rate: int = 48000,
) -> list[FrameTruth]:
    """Encode the script to ``path`` (``.webm`` → VP8 + Opus, ``.mp4`` → H.264 + AAC) and return the truth.

    ``audio`` is optional mono PCM (float in [-1, 1] or int16) muxed alongside the video.
    """
    codec = codec or ("h264" if path.suffix.lower() in (".mp4", ".mov", ".mkv") else "vp8")
    fps = Fraction(script.fps).limit_denominator(1000)
    truths: list[FrameTruth] = []
    with av.open(str(path), mode="w") as container:
        vstream = container.add_stream("libvpx" if codec == "vp8" else "libx264", rate=fps)
        vstream.width, vstream.height = script.width, script.height
        vstream.pix_fmt = "yuv420p"
        vstream.time_base = Fraction(1, 1000)
        if codec == "vp8":
            vstream.options = {"deadline": "realtime", "cpu-used": "8", "b": "1500k"}
        else:
            vstream.options = {"preset": "ultrafast", "tune": "zerolatency"}
        astream: Any = None
        if audio is not None:
            acodec = "libopus" if codec == "vp8" else "aac"
            astream = container.add_stream(acodec, rate=sample_rate, layout="mono")
        for frame_rgb, truth in generate_frames(script):
            vf = av.VideoFrame.from_ndarray(frame_rgb, format="rgb24")
            vf.pts = round(truth.t_s * 1000)
            vf.time_base = Fraction(1, 1000)
            container.mux(vstream.encode(vf))
            truths.append(truth)
        container.mux(vstream.encode(None))
        if astream is not None and audio is not None:
            _encode_audio(container, astream, audio, sample_rate)
    return truths


def _encode_audio(container: Any, stream: Any, audio: np.ndarray, rate: int) -> None:
    pcm = audio.astype(np.float32) / 32768.0 if audio.dtype == np.int16 else audio.astype(np.float32)
    pcm = np.clip(pcm.reshape(-1), -1.0, 1.0)
    chunk = 960
    for start in range(0, len(pcm), chunk):
        block = pcm[start : start + chunk]
        af = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="flt", layout="mono")
        af.sample_rate = rate
        af.pts = start
        af.time_base = Fraction(1, rate)
        container.mux(stream.encode(af))
    container.mux(stream.encode(None))


def rgb_to_i420(frame_rgb: np.ndarray) -> bytes:
    """Planar I420 (BT.601) bytes of an RGB frame with even width and height."""
    vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame_rgb), format="rgb24")
    return vf.reformat(format="yuv420p").to_ndarray().tobytes()


def write_y4m(path: Path, script: VideoScript) -> list[FrameTruth]:
    """Write a y4m file Chromium accepts for ``--use-file-for-fake-video-capture`` and return the truth.

    Chromium loops the file; keep scripts short (≈7 MB per second at 640×480, 15 fps).
    """
    if script.width % 2 or script.height % 2:
        raise ValueError("y4m I420 needs even width and height")
    fps = Fraction(script.fps).limit_denominator(1000)
    header = f"YUV4MPEG2 W{script.width} H{script.height} F{fps.numerator}:{fps.denominator} Ip A1:1 C420jpeg\n"
    truths: list[FrameTruth] = []
    with path.open("wb") as f:
        f.write(header.encode("ascii"))
        for frame_rgb, truth in generate_frames(script):
            f.write(b"FRAME\n")
            f.write(rgb_to_i420(frame_rgb))
            truths.append(truth)
    return truths
