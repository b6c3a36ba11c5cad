// Asks for consent to being recorded where recording starts (practice, upload): what is recorded, where it is
// kept, and an "I agree" button that gives it.
import { useConsent } from "../../auth/consent";
import { Button } from "../ui/Button";
import { ErrorBanner } from "../ui/ErrorBanner";
import "./consent.css";

export interface ConsentPromptProps {
  /** What the user is about to do, e.g. "practise" or "upload a recording". */
  readonly action: string;
  /** Called once consent is given (the action can proceed). */
  readonly onAgreed?: () => void;
}

/** What Podium records and keeps, in words (also on the account page). */
export function ConsentExplanation() {
  return (
    <ul className="consent__facts">
      <li>
        Your camera video and microphone audio (or the file you upload) are recorded and stored on this Podium
        server.
      </li>
      <li>
        They are analysed here for pace, fillers, pauses, voice and body language; the transcript and report are
        kept with the recording.
      </li>
      <li>Coaches you share a session with can watch it and read its report.</li>
      <li>
        You can delete any session (and its recording), export or delete your account, and withdraw this consent
        at any time on your account page; withdrawing stops new recordings, existing ones stay until you delete them.
      </li>
    </ul>
  );
}

/** The consent request: explanation and "I agree". */
export function ConsentPrompt({ action, onAgreed }: ConsentPromptProps) {
  const { give } = useConsent();
  return (
    <section className="consent card" role="region" aria-labelledby="consent-title">
      <h2 id="consent-title" className="card-title">
        Before you {action}: consent to being recorded
      </h2>
      <p>Podium needs your agreement before it records anything of you.</p>
      <ConsentExplanation />
      {give.error ? <ErrorBanner error={give.error} title="Giving consent" /> : null}
      <div className="consent__actions">
        <Button id="consent-agree" busy={give.isPending} onClick={() => give.mutate(undefined, { onSuccess: () => onAgreed?.() })}>
          I agree
        </Button>
      </div>
    </section>
  );
}
