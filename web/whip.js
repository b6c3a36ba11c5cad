// WHIP (RFC 9725) publisher: one RTCPeerConnection sending camera + microphone and a "feedback" data channel.

import { ApiError, request } from "./api.js";

export const FEEDBACK_LABEL = "feedback";
const ICE_GATHERING_TIMEOUT_MS = 2000;

/** Resolve once ICE gathering is complete, or after timeoutMs with whatever candidates exist. */
export function iceGatheringDone(pc, timeoutMs = ICE_GATHERING_TIMEOUT_MS) {
  if (pc.iceGatheringState === "complete") return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (complete) => {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", onChange);
      resolve(complete);
    };
    const onChange = () => {
      if (pc.iceGatheringState === "complete") finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    pc.addEventListener("icegatheringstatechange", onChange);
  });
}

/**
 * Publishes a MediaStream to a WHIP endpoint.
 *
 * Callbacks: onState(state) with the peer connection state, onMessage(obj) for each JSON feedback message,
 * onChannelState(state) for the data channel ("open" / "closed").
 */
export class WhipPublisher {
  constructor(whipUrl, token, { onState = () => {}, onMessage = () => {}, onChannelState = () => {} } = {}) {
    this.whipUrl = new URL(whipUrl, window.location.href).href;
    this.token = token;
    this.onState = onState;
    this.onMessage = onMessage;
    this.onChannelState = onChannelState;
    this.pc = null;
    this.channel = null;
    this.resourceUrl = null;
    this.closed = false;
  }

  /** Offer, POST it, apply the answer. Throws ApiError with the server's message when the POST fails. */
  async publish(stream) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    pc.addEventListener("connectionstatechange", () => this.onState(pc.connectionState));

    const channel = pc.createDataChannel(FEEDBACK_LABEL, { ordered: true });
    this.channel = channel;
    channel.addEventListener("open", () => this.onChannelState("open"));
    channel.addEventListener("close", () => this.onChannelState("closed"));
    channel.addEventListener("message", (event) => this.#receive(event.data));

    for (const track of stream.getTracks()) {
      pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
    }

    await pc.setLocalDescription(await pc.createOffer());
    await iceGatheringDone(pc);
    if (this.closed) throw new ApiError("stopped before the offer was sent", { code: "cancelled" });

    const response = await request(this.whipUrl, {
      method: "POST",
      token: this.token,
      headers: { "Content-Type": "application/sdp" },
      body: pc.localDescription.sdp,
    });
    const location = response.headers.get("Location");
    if (location) this.resourceUrl = new URL(location, this.whipUrl).href;
    const answer = await response.text();
    if (this.closed) return;
    if (!answer.trim().startsWith("v=")) {
      throw new ApiError("the server's answer is not SDP", { status: response.status, code: "bad_answer" });
    }
    await pc.setRemoteDescription({ type: "answer", sdp: answer });
  }

  #receive(data) {
    if (typeof data !== "string") return;
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message && typeof message.type === "string") this.onMessage(message);
  }

  /**
   * DELETE the WHIP resource (if one was created and notify is true) and close the peer connection.
   * Idempotent; use notify=false when the server has already ended the session.
   */
  async stop({ keepalive = false, notify = true } = {}) {
    if (this.closed) return;
    this.closed = true;
    const resource = this.resourceUrl;
    this.resourceUrl = null;
    try {
      if (resource && notify) await request(resource, { method: "DELETE", token: this.token, keepalive });
    } finally {
      if (this.channel) this.channel.close();
      if (this.pc) this.pc.close();
      this.onState("closed");
    }
  }
}
