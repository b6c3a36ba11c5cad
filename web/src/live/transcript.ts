// Live captions: committed words accumulate (each is sent once), the interim tail is replaced by every message.
import type { SpeechMessage } from "./feedback";

export const CAPTION_WORDS = 40;

export interface Captions {
  committed: string[];
  interim: string;
}

export const EMPTY_CAPTIONS: Captions = { committed: [], interim: "" };

/** Fold one `speech` message into the captions; keeps the last `maxWords` committed words. */
export function addSpeech(
  captions: Captions,
  message: Pick<SpeechMessage, "text" | "interim" | "final">,
  maxWords = CAPTION_WORDS,
): Captions {
  const words = message.text.split(/\s+/).filter(Boolean);
  const committed = words.length ? [...captions.committed, ...words].slice(-maxWords) : captions.committed;
  return { committed, interim: message.final ? "" : message.interim.trim() };
}
