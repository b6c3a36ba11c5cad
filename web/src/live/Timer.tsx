import { useEffect, useState } from "react";
import { formatElapsed } from "./clock";

/** Time since `startedAt` (performance.now()), updated every half second; 0:00 before the start. */
export function Timer({ startedAt }: { startedAt: number | null }) {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (startedAt === null) return;
    const timer = setInterval(() => setNow(performance.now()), 500);
    return () => clearInterval(timer);
  }, [startedAt]);
  const seconds = startedAt === null ? 0 : (now - startedAt) / 1000;
  return (
    <span className="timer" id="timer" role="timer" aria-label="Time speaking">
      {formatElapsed(seconds)}
    </span>
  );
}
