import { useEffect, useState } from "react";
import { formatElapsed } from "./clock";

/** Time since `startedAt` (performance.now()), updated every half second while `running`; 0:00 before. */
export function Timer({ startedAt, running }: { startedAt: number | null; running: boolean }) {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (startedAt === null || !running) return;
    const timer = setInterval(() => setNow(performance.now()), 500);
    return () => clearInterval(timer);
  }, [startedAt, running]);
  const seconds = startedAt === null ? 0 : Math.max(0, now - startedAt) / 1000;
  return (
    <span className="timer" id="timer" role="timer" aria-label="Time speaking">
      {formatElapsed(seconds)}
    </span>
  );
}
