// The form that shares one session, or all of them, with a coach by email.
import { useState, type FormEvent } from "react";
import type { CreateShare, SharePermission } from "../../api/coaching";
import { Button } from "../../components/ui/Button";
import { Field } from "../../components/ui/Field";
import { Select, type SelectOption } from "../../components/ui/Select";

export const ALL_SESSIONS = "";

export interface ShareFormProps {
  /** My sessions to choose from (value: session id). */
  sessions: readonly SelectOption[];
  busy?: boolean;
  onShare: (share: CreateShare) => void;
}

const PERMISSIONS: SelectOption[] = [
  { value: "view", label: "View: watch live, read reports and notes" },
  { value: "comment", label: "Comment: also write notes" },
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function ShareForm({ sessions, busy = false, onShare }: ShareFormProps) {
  const [email, setEmail] = useState("");
  const [sessionId, setSessionId] = useState(ALL_SESSIONS);
  const [permission, setPermission] = useState<SharePermission>("comment");
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const coach = email.trim();
    if (!EMAIL.test(coach)) {
      setError("Enter the coach's email address, e.g. grace@example.com.");
      return;
    }
    setError(null);
    onShare({ coach_email: coach, session_id: sessionId || null, permission });
    setEmail("");
  };

  const scopes = [{ value: ALL_SESSIONS, label: "All my sessions (also future ones)" }, ...sessions];
  return (
    <form className="share-form" onSubmit={submit} aria-label="Share with a coach" noValidate>
      <Field
        id="share-email"
        label="Coach's email"
        type="email"
        autoComplete="off"
        value={email}
        error={error}
        onChange={(e) => setEmail(e.target.value)}
      />
      <Select
        id="share-session"
        label="What to share"
        options={scopes}
        value={sessionId}
        onChange={(e) => setSessionId(e.target.value)}
      />
      <Select
        id="share-permission"
        label="Permission"
        options={PERMISSIONS}
        value={permission}
        onChange={(e) => setPermission(e.target.value === "view" ? "view" : "comment")}
      />
      <div className="share-form-actions">
        <Button id="share-submit" type="submit" busy={busy}>
          Share
        </Button>
      </div>
    </form>
  );
}
