import { Button } from "../../components/ui/Button";
import { Spinner } from "../../components/ui/Spinner";
import { formatBytes, percent, type UploadPhase } from "./uploadModel";

export interface UploadProgressProps {
  readonly phase: UploadPhase;
  readonly onPause: () => void;
  readonly onResume: () => void;
  readonly onCancel: () => void;
}

function Bar({ sent, total, label }: { sent: number; total: number; label: string }) {
  const pct = percent(sent, total);
  return (
    <div className="upload-bar">
      <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div className="progress__fill" style={{ width: `${pct}%` }} />
      </div>
      <p className="upload-bar__text">
        {pct} % · {formatBytes(sent)} of {formatBytes(total)}
      </p>
    </div>
  );
}

/** Where the upload stands: progress with pause/resume and cancel, the server's check, or the error. */
export function UploadProgress({ phase, onPause, onResume, onCancel }: UploadProgressProps) {
  switch (phase.kind) {
    case "idle":
      return null;
    case "uploading":
      return (
        <div className="upload-status" aria-live="polite">
          <p>
            Uploading <strong>{phase.fileName}</strong>
            {phase.resumed ? " (continuing where it stopped)" : ""}
          </p>
          <Bar sent={phase.sent} total={phase.total} label={`Uploading ${phase.fileName}`} />
          <div className="upload-actions">
            <Button variant="secondary" onClick={onPause}>
              Pause
            </Button>
            <Button variant="ghost" onClick={onCancel}>
              Cancel
            </Button>
          </div>
        </div>
      );
    case "paused":
      return (
        <div className="upload-status">
          <p>
            Paused: <strong>{phase.fileName}</strong>. You can resume now, or later from this page, even after closing it.
          </p>
          <Bar sent={phase.sent} total={phase.total} label={`Uploading ${phase.fileName}`} />
          <div className="upload-actions">
            <Button onClick={onResume}>Resume</Button>
            <Button variant="ghost" onClick={onCancel}>
              Cancel
            </Button>
          </div>
        </div>
      );
    case "processing":
      return (
        <div className="upload-status">
          <Bar sent={phase.total} total={phase.total} label={`Uploading ${phase.fileName}`} />
          <Spinner label="Checking the recording…" />
        </div>
      );
    case "done":
      return (
        <div className="upload-status">
          <Spinner label="Uploaded. Opening the review…" />
        </div>
      );
    case "failed": {
      const partial = phase.total > 0 && phase.sent < phase.total;
      return (
        <div className="upload-status">
          <div className="error-banner" role="alert">
            <p>
              {phase.fileName && !phase.message.includes(phase.fileName) ? <strong>{phase.fileName}: </strong> : null}
              {phase.message}
            </p>
          </div>
          {partial ? <Bar sent={phase.sent} total={phase.total} label={`Uploading ${phase.fileName}`} /> : null}
          <div className="upload-actions">
            {partial ? <Button onClick={onResume}>Try again</Button> : null}
            <Button variant="ghost" onClick={onCancel}>
              Choose another file
            </Button>
          </div>
        </div>
      );
    }
  }
}
