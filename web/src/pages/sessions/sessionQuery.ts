// The sessions list's filters and page, kept in the address bar (?state=&from=&to=&page=).
import type { SessionQuery } from "../../api/sessions";
import type { SessionState } from "../../api/types";

export const PAGE_SIZE = 20;

export const STATE_LABELS: Readonly<Record<SessionState, string>> = {
  created: "Not started",
  live: "Live",
  ended: "Recorded",
  analyzing: "Analysing",
  analyzed: "Analysed",
  failed: "Failed",
  interrupted: "Interrupted",
};

const STATES = Object.keys(STATE_LABELS) as SessionState[];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isState(value: string): value is SessionState {
  return (STATES as string[]).includes(value);
}

/** The query described by the page's search parameters (invalid values are ignored). */
export function queryFromParams(params: URLSearchParams): SessionQuery {
  const state = params.get("state") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  return {
    states: isState(state) ? [state] : [],
    from: ISO_DATE.test(from) ? from : "",
    to: ISO_DATE.test(to) ? to : "",
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
}

/** Search parameters for a filter change (back to page 1) or a page change. */
export function paramsFor(current: URLSearchParams, change: Record<string, string>): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const [key, value] of Object.entries(change)) {
    if (value) next.set(key, value);
    else next.delete(key);
  }
  if (!("page" in change)) next.delete("page");
  return next;
}

export function pageOf(query: SessionQuery): number {
  return Math.floor(query.offset / query.limit) + 1;
}
