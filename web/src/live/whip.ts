// WHIP (RFC 9725) publisher: one RTCPeerConnection sending camera + microphone, with a "feedback" data channel.
// Auth is the same-origin sign-in cookie, which fetch sends by itself.
import { ApiError, request } from "../api/client";
import { parseFeedback, type FeedbackMessage } from "./feedback";
import { parseNote, type NoteMessage } from "./noteMessage";

export const FEEDBACK_LABEL = "feedback";
const ICE_GATHERING_TIMEOUT_MS = 2000;

export interface WhipCallbacks {
  onConnectionState?: (state: RTCPeerConnectionState) => void;
  onChannelState?: (state: "open" | "closed") => void;
  onMessage?: (message: FeedbackMessage) => void;
  /** A coach's timed note (when the speaker has live notes on). */
  onNote?: (note: NoteMessage) => void;
}

/** Resolve once ICE gathering is complete (true), or after timeoutMs with whatever candidates exist (false). */
export function iceGatheringDone(pc: RTCPeerConnection, timeoutMs = ICE_GATHERING_TIMEOUT_MS): Promise<boolean> {
  if (pc.iceGatheringState === "complete") return Promise.resolve(true);
  return new Promise((resolve) => {
    const onChange = () => {
      if (pc.iceGatheringState === "complete") finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    function finish(complete: boolean) {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", onChange);
      resolve(complete);
    }
    pc.addEventListener("icegatheringstatechange", onChange);
  });
}

/** Publishes a MediaStream to a WHIP endpoint; `stop()` DELETEs the resource and closes the connection. */
export class WhipPublisher {
  private pc: RTCPeerConnection | null = null;
  private channel: RTCDataChannel | null = null;
  private resourceUrl: string | null = null;
  private closed = false;
  private readonly whipUrl: string;

  constructor(
    whipUrl: string,
    private readonly callbacks: WhipCallbacks = {},
  ) {
    this.whipUrl = new URL(whipUrl, window.location.href).href;
  }

  /** The WHIP resource (Location of the 201), once published. */
  get resource(): string | null {
    return this.resourceUrl;
  }

  /** Offer, POST it, apply the answer. Throws ApiError with the server's message when the POST fails. */
  async publish(stream: MediaStream): Promise<void> {
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    pc.addEventListener("connectionstatechange", () => this.callbacks.onConnectionState?.(pc.connectionState));

    const channel = pc.createDataChannel(FEEDBACK_LABEL, { ordered: true });
    this.channel = channel;
    channel.addEventListener("open", () => this.callbacks.onChannelState?.("open"));
    channel.addEventListener("close", () => this.callbacks.onChannelState?.("closed"));
    channel.addEventListener("message", (event: MessageEvent) => {
      const note = parseNote(event.data);
      if (note) {
        this.callbacks.onNote?.(note);
        return;
      }
      const message = parseFeedback(event.data);
      if (message) this.callbacks.onMessage?.(message);
    });

    for (const track of stream.getTracks()) {
      pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
    }
    await pc.setLocalDescription(await pc.createOffer());
    await iceGatheringDone(pc);
    if (this.closed) throw new ApiError("Stopped before the offer was sent.", 0, "cancelled");

    const response = await request(this.whipUrl, {
      method: "POST",
      headers: { "Content-Type": "application/sdp", Accept: "application/sdp" },
      body: pc.localDescription?.sdp ?? "",
    });
    const location = response.headers.get("Location");
    if (location) this.resourceUrl = new URL(location, this.whipUrl).href;
    const answer = await response.text();
    if (this.closed) return;
    if (!answer.trim().startsWith("v=")) {
      throw new ApiError("The server's answer is not SDP.", response.status, "bad_answer");
    }
    await pc.setRemoteDescription({ type: "answer", sdp: answer });
  }

  /**
   * DELETE the WHIP resource (when one was created and `notify` is true) and close the connection.
   * Idempotent; use notify=false when the server already ended the session.
   */
  async stop({ keepalive = false, notify = true }: { keepalive?: boolean; notify?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const resource = this.resourceUrl;
    this.resourceUrl = null;
    try {
      if (resource && notify) await request(resource, { method: "DELETE", keepalive });
    } finally {
      this.channel?.close();
      this.pc?.close();
      this.callbacks.onConnectionState?.("closed");
    }
  }
}
