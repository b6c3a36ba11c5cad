import { useCallback, useEffect, useReducer, useRef, useState, type DragEvent } from "react";
import { useNavigate } from "react-router";
import { forgetUpload, startUpload, unfinishedUploads, type UploadHandle } from "../../api/uploads";
import type { PreviousUpload } from "tus-js-client";
import { isConsentRefusal, useConsent } from "../../auth/consent";
import { ConsentPrompt } from "../../components/consent/ConsentPrompt";
import { formatDateTime } from "../../components/transcript/clock";
import { Button } from "../../components/ui/Button";
import { Card } from "../../components/ui/Card";
import { Field } from "../../components/ui/Field";
import { PageHeader } from "../../components/ui/PageHeader";
import { fileProblem, formatBytes, MEDIA_EXTENSIONS, uploadErrorMessage, uploadReducer } from "./uploadModel";
import { UploadProgress } from "./UploadProgress";
import "./upload.css";

const ACCEPT = ["audio/*", "video/*", ...MEDIA_EXTENSIONS.map((e) => `.${e}`)].join(",");

function titleFrom(fileName: string): string {
  return fileName.replace(/\.[^.]+$/, "").replace(/[_-]+/g, " ").trim();
}

function Unfinished({ uploads, onForget }: { uploads: PreviousUpload[]; onForget: (key: string) => void }) {
  if (uploads.length === 0) return null;
  return (
    <Card title="Unfinished uploads" className="unfinished">
      <p>Choose the same file again to continue where it stopped.</p>
      <ul className="unfinished__list">
        {uploads.map((u) => (
          <li key={u.urlStorageKey}>
            <span>
              <strong>{u.metadata.filename || "A recording"}</strong>
              {u.size ? ` · ${formatBytes(u.size)}` : ""} · started {formatDateTime(u.creationTime)}
            </span>
            <Button variant="ghost" onClick={() => onForget(u.urlStorageKey)}>
              Forget
            </Button>
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** `/upload`: send a recorded talk with tus (pause, resume, resume after a reload), then open its review. */
export function UploadPage() {
  const navigate = useNavigate();
  const [phase, dispatch] = useReducer(uploadReducer, { kind: "idle" });
  const [title, setTitle] = useState("");
  const [dragging, setDragging] = useState(false);
  const [unfinished, setUnfinished] = useState<PreviousUpload[]>([]);
  const handle = useRef<UploadHandle | null>(null);
  const consent = useConsent();
  const [refusedFile, setRefusedFile] = useState<File | null>(null);
  const needsConsent = consent.state === "missing" || refusedFile !== null;
  const busy = phase.kind === "uploading" || phase.kind === "paused" || phase.kind === "processing" || phase.kind === "done";

  const refreshUnfinished = useCallback(() => {
    void unfinishedUploads().then(setUnfinished, () => setUnfinished([]));
  }, []);

  useEffect(refreshUnfinished, [refreshUnfinished]);

  useEffect(() => {
    if (phase.kind === "done") void navigate(`/sessions/${phase.sessionId}`);
  }, [phase, navigate]);

  useEffect(() => () => void handle.current?.pause(), []);

  const begin = async (file: File) => {
    const problem = fileProblem(file);
    if (problem) {
      dispatch({ type: "error", message: problem });
      return;
    }
    dispatch({ type: "start", fileName: file.name, total: file.size, resumed: false });
    try {
      handle.current = await startUpload(file, title.trim() || titleFrom(file.name), {
        onProgress: (sent, total) => dispatch({ type: "progress", sent, total }),
        onSuccess: (sessionId) => dispatch({ type: "success", sessionId }),
        onError: (status, body) => {
          if (isConsentRefusal(status, body)) {
            setRefusedFile(file);
            consent.recheck();
            dispatch({ type: "reset" });
          } else dispatch({ type: "error", message: uploadErrorMessage(status, body) });
        },
      });
      if (handle.current.resumed) dispatch({ type: "start", fileName: file.name, total: file.size, resumed: true });
    } catch (err) {
      dispatch({ type: "error", message: err instanceof Error ? err.message : String(err) });
    }
  };

  const pick = (files: FileList | null) => {
    const file = files?.[0];
    if (file) void begin(file);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (busy) return;
    pick(event.dataTransfer.files);
  };

  const pause = () => {
    void handle.current?.pause();
    dispatch({ type: "pause" });
  };
  const resume = () => {
    handle.current?.resume();
    dispatch({ type: "resume" });
  };
  const cancel = () => {
    const current = handle.current;
    handle.current = null;
    dispatch({ type: "reset" });
    if (current) void current.cancel().catch(() => undefined).then(refreshUnfinished);
  };
  /** Consent given: the upload it stopped (if any) starts again. */
  const agreed = () => {
    const file = refusedFile;
    setRefusedFile(null);
    if (file) void begin(file);
  };
  const forget = (key: string) => void forgetUpload(key).then(refreshUnfinished);

  return (
    <div className="upload-page">
      <PageHeader title="Upload a recording">
        Get the full analysis of a talk you recorded elsewhere: video or audio ({MEDIA_EXTENSIONS.join(", ")}).
      </PageHeader>
      {needsConsent && !busy ? <ConsentPrompt action="upload a recording" onAgreed={agreed} /> : null}
      {phase.kind === "idle" ? <Unfinished uploads={unfinished} onForget={forget} /> : null}
      <Card>
        <Field
          label="Title"
          hint="Optional: the file's name is used when empty."
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={200}
          disabled={busy}
        />
        {busy || needsConsent ? null : (
          <div
            className={dragging ? "dropzone dropzone--over" : "dropzone"}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <p className="dropzone__text">Drag a recording here, or</p>
            <input
              id="upload-file"
              className="dropzone__input"
              type="file"
              accept={ACCEPT}
              onChange={(e) => {
                pick(e.target.files);
                e.target.value = "";
              }}
            />
            <label htmlFor="upload-file" className="btn btn-primary dropzone__button">
              Choose a file
            </label>
          </div>
        )}
        <UploadProgress phase={phase} onPause={pause} onResume={resume} onCancel={cancel} />
      </Card>
    </div>
  );
}
