// The signed-in user as a react-query query: null when signed out (401), an error otherwise.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchMe, signIn, signOut } from "../api/auth";
import { ApiError } from "../api/client";
import type { UserOut } from "../api/types";

export const ME_KEY = ["me"] as const;

/** GET /api/v1/me, with 401 read as "signed out" (null). */
export async function loadMe(signal?: AbortSignal): Promise<UserOut | null> {
  try {
    return await fetchMe(signal);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: ({ signal }) => loadMe(signal), staleTime: 60_000, retry: 1 });
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ email, password }: { email: string; password: string }) => signIn(email, password),
    onSuccess: (user) => client.setQueryData(ME_KEY, user),
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    onSettled: () => {
      client.clear();
      client.setQueryData(ME_KEY, null);
    },
  });
}
