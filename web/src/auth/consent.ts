// Consent to being recorded: whether the signed-in user gave it, and giving or withdrawing it (the server refuses
// publishing and uploads with 403 consent_required until it is given).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { giveConsent, withdrawConsent } from "../api/auth";
import { ApiError } from "../api/client";
import type { UserOut } from "../api/types";
import { ME_KEY, useMe } from "./me";

export const CONSENT_REQUIRED = "consent_required";

/** Whether `err` is the server refusing to record because consent was not given. */
export function isConsentRequired(err: unknown): boolean {
  return err instanceof ApiError && err.code === CONSENT_REQUIRED;
}

/** Whether a tus upload's failed response (status and JSON body text) is the consent refusal. */
export function isConsentRefusal(status: number, body: string): boolean {
  if (status !== 403) return false;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } } | null;
    return parsed?.error?.code === CONSENT_REQUIRED;
  } catch {
    return false;
  }
}

/** `"given"`, `"missing"`, or `"unknown"` while the account is loading (or signed out). */
export type ConsentState = "given" | "missing" | "unknown";

export function consentState(user: UserOut | null | undefined): ConsentState {
  if (!user) return "unknown";
  return user.consent_at ? "given" : "missing";
}

/** The signed-in user's consent, with mutations that give or withdraw it and update the cached account. */
export function useConsent() {
  const me = useMe();
  const client = useQueryClient();
  const onSuccess = (user: UserOut) => client.setQueryData(ME_KEY, user);
  const give = useMutation({ mutationFn: giveConsent, onSuccess });
  const withdraw = useMutation({ mutationFn: withdrawConsent, onSuccess });
  /** Re-read the account: after a consent_required refusal (withdrawn in another tab, say). */
  const recheck = useCallback(() => void client.invalidateQueries({ queryKey: ME_KEY }), [client]);
  return { state: consentState(me.data), consentAt: me.data?.consent_at ?? null, give, withdraw, recheck };
}
