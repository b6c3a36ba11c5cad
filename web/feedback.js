// Renders live feedback messages: one card per message type with its latest values, plus an alert list.

const CARD_ORDER = ["voice", "pose", "speech", "session"];
const TITLES = { voice: "Voice", pose: "Body", speech: "Speech", session: "Session" };
const HIDDEN_FIELDS = new Set(["v", "type", "t_s", "words", "keypoints_hidden"]);
// Nested objects shown as their own rows (only the listed keys, in this order).
const EXPANDED = {
  features: ["shoulder_tilt_deg", "head_tilt_deg", "torso_lean_deg", "facing_camera", "framing", "hands_visible",
    "gesture_activity", "sway", "fidgeting"],
  labels: ["posture", "posture_confidence", "gesture", "gesture_confidence"],
};
const MAX_ALERTS = 20;
const TRANSCRIPT_WORDS = 40;
const MAX_INLINE_ENTRIES = 6;

const UNITS = [
  [/_dbfs$/, "dBFS", 1],
  [/_hz$/, "Hz", 0],
  [/_st$/, "st", 1],
  [/_ms$/, "ms", 0],
  [/_deg$/, "°", 1],
  [/(^|_)wpm$/, "wpm", 0],
  [/_s$/, "s", 2],
];
const METERS = [
  [/_dbfs$/, -70, 0],
  [/_ratio$/, 0, 1],
  [/_confidence$/, 0, 1],
];

const LABELS = {
  infer_ms: "inference", t_s: "media time", end_s: "ends at", text: "heard", posture_confidence: "posture conf.",
  gesture_confidence: "gesture conf.", filler_count: "fillers so far", word_count: "words so far",
};

/** Human label of a field name: "loudness_dbfs" → "loudness", "pitch_variety_st" → "pitch variety". */
export function fieldLabel(key) {
  if (key in LABELS) return LABELS[key];
  return key.replace(/_(dbfs|hz|st|ms|s|deg)$/, "").replace(/_/g, " ");
}

/** Text for one value, with a unit derived from the field name. */
export function formatValue(key, value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "—";
    if (/_(ratio|confidence)$/.test(key)) return `${Math.round(value * 100)} %`;
    for (const [pattern, unit, digits] of UNITS) {
      if (pattern.test(key)) return `${value.toFixed(digits)}${unit === "°" ? "" : " "}${unit}`;
    }
    return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }
  if (typeof value === "string") return value === "" ? "—" : value;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== "object" || v === null)) return value.map(String).join(", ") || "—";
    if (key === "fillers" && value.every((v) => Array.isArray(v) && v.length >= 2)) {
      return value.map(([text, start]) => `${text} @ ${Number(start).toFixed(1)} s`).join(", ");
    }
    if (key === "pauses" && value.every((v) => Array.isArray(v) && v.length >= 2)) {
      return value.map(([a, b]) => `${(b - a).toFixed(1)} s @ ${Number(a).toFixed(1)} s`).join(", ");
    }
    return `${value.length} item${value.length === 1 ? "" : "s"}`;
  }
  const entries = Object.entries(value);
  const n = entries.length;
  if (key === "keypoints") return `${n} point${n === 1 ? "" : "s"}`;
  if (n > 0 && n <= MAX_INLINE_ENTRIES && entries.every(([, v]) => v === null || typeof v !== "object")) {
    return entries.map(([k, v]) => `${fieldLabel(k)}: ${formatValue(k, v)}`).join(", ");
  }
  return `${n} entr${n === 1 ? "y" : "ies"}`;
}

/**
 * The last words heard in a session: `speech` messages carry newly committed words in `text` (sent once) and
 * the not-yet-committed rest of the current transcript in `interim`, which the next message replaces.
 */
export class RunningTranscript {
  constructor(maxWords = TRANSCRIPT_WORDS) {
    this.maxWords = maxWords;
    this.committed = [];
    this.interim = "";
  }

  /** Fold in one `speech` message; returns the text to show (committed words, then "… interim"). */
  add(message) {
    const words = String(message.text || "").split(/\s+/).filter(Boolean);
    this.committed = this.committed.concat(words).slice(-this.maxWords);
    this.interim = message.final === false ? String(message.interim || "") : "";
    return this.text();
  }

  text() {
    const heard = this.committed.join(" ");
    return this.interim ? `${heard} … ${this.interim}`.trim() : heard;
  }
}

function meterRange(key) {
  for (const [pattern, min, max] of METERS) if (pattern.test(key)) return [min, max];
  return null;
}

/** Keeps the cards and the alert list in sync with incoming messages. */
export class FeedbackBoard {
  constructor(cardsEl, alertsEl) {
    this.cardsEl = cardsEl;
    this.alertsEl = alertsEl;
    this.cards = new Map();
    this.counts = {};
    this.transcript = new RunningTranscript();
  }

  reset() {
    this.cards.clear();
    this.counts = {};
    this.transcript = new RunningTranscript();
    this.cardsEl.replaceChildren();
    this.alertsEl.replaceChildren(Object.assign(document.createElement("li"), {
      className: "empty",
      textContent: "None yet.",
    }));
  }

  /** Show one message; returns its type. */
  show(message) {
    const type = String(message.type);
    this.counts[type] = (this.counts[type] || 0) + 1;
    if (type === "alert") this.#addAlert(message);
    else if (type === "speech") {
      const { interim: _interim, final: _final, ...rest } = message;
      this.#updateCard(type, { ...rest, text: this.transcript.add(message) });
    } else this.#updateCard(type, message);
    return type;
  }

  #card(type) {
    let card = this.cards.get(type);
    if (card) return card;
    card = document.createElement("article");
    card.className = "card";
    card.id = `card-${type.replace(/[^a-z0-9_-]/gi, "")}`;
    card.dataset.type = type;
    const head = document.createElement("h3");
    head.textContent = TITLES[type] || type;
    const time = document.createElement("small");
    time.className = "t";
    head.append(" ", time);
    const list = document.createElement("dl");
    card.append(head, list);
    this.cards.set(type, card);
    const rank = (t) => (CARD_ORDER.includes(t) ? CARD_ORDER.indexOf(t) : CARD_ORDER.length);
    const before = [...this.cards.values()].find((c) => c !== card && rank(c.dataset.type) > rank(type));
    this.cardsEl.insertBefore(card, before && before.isConnected ? before : null);
    return card;
  }

  #updateCard(type, message) {
    const card = this.#card(type);
    card.dataset.count = String(this.counts[type]);
    card.querySelector(".t").textContent = typeof message.t_s === "number" ? `at ${message.t_s.toFixed(1)} s` : "";
    if (type === "voice") card.classList.toggle("speaking", message.speaking === true);
    if (type === "pose") card.classList.toggle("absent", message.person_visible === false);
    const list = card.querySelector("dl");
    for (const [key, value] of Object.entries(message)) {
      if (HIDDEN_FIELDS.has(key)) continue;
      if (key in EXPANDED && value && typeof value === "object") {
        for (const sub of EXPANDED[key]) if (sub in value) this.#setField(list, sub, value[sub]);
        continue;
      }
      this.#setField(list, key, value);
    }
  }

  #setField(list, key, value) {
    let dd = list.querySelector(`dd[data-field="${CSS.escape(key)}"]`);
    if (!dd) {
      const dt = document.createElement("dt");
      dt.textContent = fieldLabel(key);
      dd = document.createElement("dd");
      dd.dataset.field = key;
      const range = meterRange(key);
      const text = document.createElement("span");
      text.className = "value";
      dd.append(text);
      if (range) {
        const meter = document.createElement("meter");
        [meter.min, meter.max] = range;
        meter.setAttribute("aria-hidden", "true");
        dd.append(meter);
      }
      if (key === "text" || key === "transcript") dd.classList.add("wide");
      list.append(dt, dd);
    }
    dd.querySelector(".value").textContent = formatValue(key, value);
    dd.classList.toggle("missing", value === null || value === undefined);
    const meter = dd.querySelector("meter");
    if (meter && typeof value === "number") meter.value = value;
  }

  #addAlert(message) {
    this.alertsEl.querySelector(".empty")?.remove();
    const item = document.createElement("li");
    item.dataset.code = message.code || "";
    const time = typeof message.t_s === "number" ? `${message.t_s.toFixed(1)} s` : "";
    const when = Object.assign(document.createElement("span"), { className: "t", textContent: time });
    const text = Object.assign(document.createElement("span"), {
      textContent: message.message || message.code || JSON.stringify(message),
    });
    item.append(when, " ", text);
    this.alertsEl.prepend(item);
    while (this.alertsEl.children.length > MAX_ALERTS) this.alertsEl.lastElementChild.remove();
  }
}

const SKELETON = [
  ["left_shoulder", "right_shoulder"],
  ["left_shoulder", "left_hip"],
  ["right_shoulder", "right_hip"],
  ["left_hip", "right_hip"],
  ["left_shoulder", "left_wrist"],
  ["right_shoulder", "right_wrist"],
];

/** Draw pose keypoints ({name: [x, y, visibility]}, normalised) over the preview; clears when absent. */
export function drawKeypoints(canvas, video, keypoints, minVisibility = 0.5) {
  const ctx = canvas.getContext("2d");
  if (video.videoWidth && (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight)) {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
  }
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (!keypoints || typeof keypoints !== "object") return 0;
  const visible = new Map();
  for (const [name, point] of Object.entries(keypoints)) {
    if (Array.isArray(point) && point.length >= 2 && (point[2] ?? 1) >= minVisibility) {
      visible.set(name, [point[0] * canvas.width, point[1] * canvas.height]);
    }
  }
  const scale = Math.max(2, canvas.width / 160);
  ctx.lineWidth = scale;
  ctx.strokeStyle = "rgba(255, 196, 0, 0.9)";
  for (const [a, b] of SKELETON) {
    if (!visible.has(a) || !visible.has(b)) continue;
    ctx.beginPath();
    ctx.moveTo(...visible.get(a));
    ctx.lineTo(...visible.get(b));
    ctx.stroke();
  }
  ctx.fillStyle = "rgba(0, 200, 255, 0.95)";
  for (const [x, y] of visible.values()) {
    ctx.beginPath();
    ctx.arc(x, y, scale * 1.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  return visible.size;
}
