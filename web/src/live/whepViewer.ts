// WHEP viewer (draft-ietf-wish-whep): a coach receives the speaker's audio and video and the "feedback" data channel.
// The viewer sends a recvonly offer (non-trickle: ICE gathered first); auth is the same-origin sign-in cookie.
import { ApiError, request } from "../api/client";
import { parseFeedback, type FeedbackMessage } from "./feedback";
import { parseNote, type NoteMessage } from "./noteMessage";
import { FEEDBACK_LABEL, iceGatheringDone } from "./whip";

export interface WhepCallbacks {
  onConnectionState?: (state: RTCPeerConnectionState) => void;
  onStream?: (stream: MediaStream) => void;
  onMessage?: (message: FeedbackMessage) => void;
  onNote?: (note: NoteMessage) => void;
}

/** Watches a live session; `stop()` DELETEs the WHEP resource and closes the connection. */
export class WhepViewer {
  private pc: RTCPeerConnection | null = null;
  private resourceUrl: string | null = null;
  private closed = false;
  private readonly whepUrl: string;
  private readonly stream = new MediaStream();

  constructor(
    whepUrl: string,
    private readonly callbacks: WhepCallbacks = {},
  ) {
    this.whepUrl = new URL(whepUrl, window.location.href).href;
  }

  /** Offer, POST it, apply the answer. Throws ApiError with the server's status and message when the POST fails. */
  async watch(): Promise<void> {
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    pc.addEventListener("connectionstatechange", () => this.callbacks.onConnectionState?.(pc.connectionState));
    pc.addEventListener("track", (event: RTCTrackEvent) => {
      this.stream.addTrack(event.track);
      this.callbacks.onStream?.(this.stream);
    });
    const channel = pc.createDataChannel(FEEDBACK_LABEL, { ordered: true });
    channel.addEventListener("message", (event: MessageEvent) => {
      const note = parseNote(event.data);
      if (note) {
        this.callbacks.onNote?.(note);
        return;
      }
      const message = parseFeedback(event.data);
      if (message) this.callbacks.onMessage?.(message);
    });
    pc.addTransceiver("audio", { direction: "recvonly" });
    pc.addTransceiver("video", { direction: "recvonly" });
    await pc.setLocalDescription(await pc.createOffer());
    await iceGatheringDone(pc);
    if (this.closed) throw new ApiError("Stopped before the offer was sent.", 0, "cancelled");

    const response = await request(this.whepUrl, {
      method: "POST",
      headers: { "Content-Type": "application/sdp", Accept: "application/sdp" },
      body: pc.localDescription?.sdp ?? "",
    });
    const location = response.headers.get("Location");
    if (location) this.resourceUrl = new URL(location, this.whepUrl).href;
    const answer = await response.text();
    if (this.closed) return;
    if (!answer.trim().startsWith("v=")) {
      throw new ApiError("The server's answer is not SDP.", response.status, "bad_answer");
    }
    await pc.setRemoteDescription({ type: "answer", sdp: answer });
  }

  /** Stop watching (idempotent): DELETE the resource (unless `notify` is false: the session ended), close. */
  async stop({ keepalive = false, notify = true }: { keepalive?: boolean; notify?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const resource = this.resourceUrl;
    this.resourceUrl = null;
    try {
      if (resource && notify) await request(resource, { method: "DELETE", keepalive }).catch(() => undefined);
    } finally {
      this.pc?.close();
      this.callbacks.onConnectionState?.("closed");
    }
  }
}
