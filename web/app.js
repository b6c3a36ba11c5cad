// The practice page: sign in, start a live session (camera + microphone over WHIP), show feedback, stop.

import { clearAuth, createSession, loadAuth, register, saveAuth, signIn } from "./api.js";
import { drawKeypoints, FeedbackBoard } from "./feedback.js";
import { WhipPublisher } from "./whip.js";

const $ = (id) => document.getElementById(id);

const ui = {
  account: $("account"),
  accountEmail: $("account-email"),
  signOut: $("sign-out"),
  error: $("error"),
  errorStep: $("error-step"),
  errorMessage: $("error-message"),
  errorClose: $("error-close"),
  auth: $("auth"),
  authForm: $("auth-form"),
  email: $("email"),
  password: $("password"),
  practice: $("practice"),
  startForm: $("start-form"),
  title: $("title"),
  rawAudio: $("raw-audio"),
  start: $("start"),
  stop: $("stop"),
  connState: $("conn-state"),
  channelState: $("channel-state"),
  preview: $("preview"),
  overlay: $("overlay"),
  cards: $("cards"),
  alerts: $("alerts"),
};

const board = new FeedbackBoard(ui.cards, ui.alerts);
let auth = loadAuth();
let live = null; // {publisher, stream, session}

function showError(step, err) {
  ui.errorStep.textContent = `${step} failed:`;
  const status = err && err.status ? ` (HTTP ${err.status})` : "";
  ui.errorMessage.textContent = `${err && err.message ? err.message : String(err)}${status}`;
  ui.error.dataset.code = (err && err.code) || "";
  ui.error.hidden = false;
  console.error(`${step} failed`, err);
}

function clearError() {
  ui.error.hidden = true;
  ui.errorStep.textContent = "";
  ui.errorMessage.textContent = "";
}

function setState(state, detail = "") {
  ui.connState.dataset.state = state;
  ui.connState.textContent = detail ? `${state} (${detail})` : state;
}

function render() {
  const signedIn = auth !== null;
  ui.auth.hidden = signedIn;
  ui.practice.hidden = !signedIn;
  ui.account.hidden = !signedIn;
  ui.accountEmail.textContent = signedIn ? auth.email : "";
  ui.start.disabled = live !== null;
  ui.stop.disabled = live === null;
  ui.title.disabled = live !== null;
  ui.rawAudio.disabled = live !== null;
}

function signOutOnExpiredToken(err) {
  if (err && err.status === 401) {
    clearAuth();
    auth = null;
    render();
  }
}

ui.authForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const action = event.submitter?.dataset.action || "signin";
  const email = ui.email.value.trim();
  const password = ui.password.value;
  clearError();
  for (const button of ui.authForm.querySelectorAll("button")) button.disabled = true;
  try {
    if (action === "register") {
      try {
        await register(email, password);
      } catch (err) {
        showError("Creating the account", err);
        return;
      }
    }
    try {
      auth = saveAuth(email, await signIn(email, password));
    } catch (err) {
      showError("Signing in", err);
      return;
    }
    ui.password.value = "";
    render();
  } finally {
    for (const button of ui.authForm.querySelectorAll("button")) button.disabled = false;
  }
});

ui.signOut.addEventListener("click", async () => {
  if (live) await stopLive();
  clearAuth();
  auth = null;
  clearError();
  render();
});

ui.errorClose.addEventListener("click", clearError);

function mediaConstraints(raw) {
  const audio = raw
    ? { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 }
    : true;
  return { audio, video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 15, max: 30 } } };
}

const OVERLAY_STALE_MS = 1000;
let overlayTimer = 0;

function clearOverlay() {
  ui.overlay.getContext("2d").clearRect(0, 0, ui.overlay.width, ui.overlay.height);
}

function onMessage(message) {
  board.show(message);
  if (message.type === "pose") {
    drawKeypoints(ui.overlay, ui.preview, message.person_visible ? message.keypoints : null);
    clearTimeout(overlayTimer);
    overlayTimer = setTimeout(clearOverlay, OVERLAY_STALE_MS);
  } else if (message.type === "session" && message.state === "ended") {
    endedByServer(message.reason);
  }
}

async function startLive() {
  clearError();
  board.reset();
  live = { publisher: null, stream: null, session: null };
  const current = live;
  render();

  setState("requesting camera and microphone");
  try {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new Error("this page needs a secure context (https or localhost) and a browser with WebRTC");
    }
    current.stream = await navigator.mediaDevices.getUserMedia(mediaConstraints(ui.rawAudio.checked));
  } catch (err) {
    return abortStart("Camera and microphone access", err);
  }
  ui.preview.srcObject = current.stream;

  setState("creating session");
  try {
    current.session = await createSession(auth.token, ui.title.value.trim());
  } catch (err) {
    signOutOnExpiredToken(err);
    return abortStart("Creating the session", err);
  }

  setState("connecting");
  current.publisher = new WhipPublisher(current.session.whip_url, auth.token, {
    onState: (state) => {
      if (live !== current) return;
      setState(state);
      if (state === "failed") {
        showError("The media connection", new Error("ICE/DTLS connection failed"));
        stopLive();
      }
    },
    onMessage: (message) => {
      if (live === current) onMessage(message);
    },
    onChannelState: (state) => {
      ui.channelState.dataset.state = state;
      ui.channelState.textContent = state;
    },
  });
  try {
    await current.publisher.publish(current.stream);
  } catch (err) {
    signOutOnExpiredToken(err);
    return abortStart("Publishing over WHIP", err);
  }
}

async function abortStart(step, err) {
  showError(step, err);
  await teardown(live, { remote: true });
  setState("idle");
}

async function teardown(current, { remote }) {
  if (!current) return;
  if (live === current) live = null;
  clearTimeout(overlayTimer);
  clearOverlay();
  try {
    if (current.publisher) await current.publisher.stop({ notify: remote });
  } finally {
    for (const track of current.stream?.getTracks() || []) track.stop();
    ui.preview.srcObject = null;
    render();
  }
}

async function stopLive() {
  const current = live;
  if (!current) return;
  setState("stopping");
  try {
    await teardown(current, { remote: true });
    setState("stopped");
  } catch (err) {
    showError("Stopping the session", err);
    setState("stopped", "server not told");
  }
}

function endedByServer(reason) {
  const current = live;
  teardown(current, { remote: false }).then(() => setState("ended", reason || "by the server"));
}

ui.startForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!live && auth) startLive();
});
ui.stop.addEventListener("click", () => stopLive());

window.addEventListener("pagehide", () => {
  if (live?.publisher) live.publisher.stop({ keepalive: true });
});

render();
