import { Fragment, useEffect, useState } from "react";
import { flushSync } from "react-dom";
import { clock, formatNumber } from "./clock";
import type { Segment } from "./segments";

/** Whether the page is being printed (between `beforeprint` and `afterprint`). */
export function usePrinting(): boolean {
  const [printing, setPrinting] = useState(false);
  useEffect(() => {
    // flushSync: the full transcript must be in the DOM before the browser lays out the printed page.
    const before = () => flushSync(() => setPrinting(true));
    const after = () => setPrinting(false);
    window.addEventListener("beforeprint", before);
    window.addEventListener("afterprint", after);
    return () => {
      window.removeEventListener("beforeprint", before);
      window.removeEventListener("afterprint", after);
    };
  }, []);
  return printing;
}

/** The whole transcript as plain paragraphs with the marks, for the printed report (not virtualised). */
export function PrintTranscript({ segments }: { segments: readonly Segment[] }) {
  return (
    <div className="print-transcript">
      {segments.map((segment, i) => (
        <p key={i}>
          <span className="print-transcript__time">{clock(segment.start_s)}</span>{" "}
          {segment.tokens.map((token, j) => (
            <Fragment key={j}>
              {token.kind === "pause" ? (
                <span className="tw-pause">[pause {formatNumber(token.end_s - token.start_s)} s]</span>
              ) : token.kind === "unheard" ? (
                <span className="tw-unheard">[unrecognised speech {formatNumber(token.end_s - token.start_s)} s]</span>
              ) : (
                <span className={token.mark ? `tw tw--${token.mark}` : "tw"}>
                  {token.inferred ? `(${token.text})` : token.text}
                </span>
              )}{" "}
            </Fragment>
          ))}
        </p>
      ))}
    </div>
  );
}
