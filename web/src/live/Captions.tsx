import type { Captions as CaptionsState } from "./transcript";

/** Live captions: committed words in full colour, the interim tail greyed (it may still change). */
export function Captions({ captions }: { captions: CaptionsState }) {
  const empty = captions.committed.length === 0 && !captions.interim;
  return (
    <div className="captions" id="captions" role="region" aria-label="Live captions">
      {empty ? (
        <p className="captions-empty">Captions appear here as you speak.</p>
      ) : (
        <p>
          <span className="captions-committed" aria-live="polite">
            {captions.committed.join(" ")}
          </span>
          {captions.interim && (
            <>
              {" "}
              <span className="captions-interim" aria-hidden="true">
                {captions.interim}
              </span>
            </>
          )}
        </p>
      )}
    </div>
  );
}
