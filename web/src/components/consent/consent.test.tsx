import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { consentState, isConsentRefusal, isConsentRequired } from "../../auth/consent";
import { ApiError } from "../../api/client";
import { AccountPage } from "../../pages/account/AccountPage";
import { PracticePage } from "../../pages/practice/PracticePage";
import { UploadPage } from "../../pages/upload/UploadPage";

const USER = { id: "u1", email: "ada@example.com", role: "speaker" as const, created_at: "2026-11-01T10:00:00Z" };
const AGREED_AT = "2026-12-03T10:00:00Z";

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** A server with one account whose consent the routes change, recording every consent request. */
function fakeServer(consentAt: string | null) {
  let consent = consentAt;
  const calls: string[] = [];
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    if (url === "/api/v1/me") return json({ ...USER, consent_at: consent });
    if (url === "/api/v1/me/consent") {
      calls.push(method);
      consent = method === "POST" ? AGREED_AT : null;
      return json({ ...USER, consent_at: consent });
    }
    return json({ error: { code: "not_found", message: "nope" } }, 404);
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}

function renderWith(page: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>{page}</MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("consent helpers", () => {
  it("recognises the server's consent_required refusal, from fetch and from tus", () => {
    expect(isConsentRequired(new ApiError("no", 403, "consent_required"))).toBe(true);
    expect(isConsentRequired(new ApiError("no", 403, "forbidden"))).toBe(false);
    expect(isConsentRefusal(403, JSON.stringify({ error: { code: "consent_required", message: "x" } }))).toBe(true);
    expect(isConsentRefusal(403, JSON.stringify({ error: { code: "forbidden" } }))).toBe(false);
    expect(isConsentRefusal(413, JSON.stringify({ error: { code: "consent_required" } }))).toBe(false);
    expect(isConsentRefusal(403, "<html>")).toBe(false);
  });

  it("reads the state from the account", () => {
    expect(consentState({ ...USER, consent_at: AGREED_AT })).toBe("given");
    expect(consentState({ ...USER, consent_at: null })).toBe("missing");
    expect(consentState(null)).toBe("unknown");
  });
});

describe("consent on the upload page", () => {
  it("asks first, and offers the file picker once the user agrees", async () => {
    const calls = fakeServer(null);
    renderWith(<UploadPage />);
    expect(await screen.findByRole("heading", { name: /consent to being recorded/ })).toBeInTheDocument();
    expect(screen.getByText(/recorded and stored on this Podium server/)).toBeInTheDocument();
    expect(screen.queryByText("Choose a file")).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "I agree" }));
    expect(await screen.findByText("Choose a file")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: /consent to being recorded/ })).not.toBeInTheDocument();
    expect(calls).toEqual(["POST"]);
  });

  it("does not ask an account that already agreed", async () => {
    fakeServer(AGREED_AT);
    renderWith(<UploadPage />);
    expect(await screen.findByText("Choose a file")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "I agree" })).not.toBeInTheDocument();
  });
});

describe("consent on the practice page", () => {
  it("keeps Start disabled until the user agrees", async () => {
    const calls = fakeServer(null);
    renderWith(<PracticePage />);
    const agree = await screen.findByRole("button", { name: "I agree" });
    expect(screen.getByRole("button", { name: "Start" })).toBeDisabled();
    fireEvent.click(agree);
    await waitFor(() => expect(screen.queryByRole("button", { name: "I agree" })).not.toBeInTheDocument());
    expect(calls).toEqual(["POST"]);
  });
});

describe("consent on the account page", () => {
  it("shows when it was given and withdraws it after a confirmation", async () => {
    const calls = fakeServer(AGREED_AT);
    renderWith(<AccountPage />);
    expect(await screen.findByText(/You agreed to being recorded on/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Withdraw consent" }));
    expect(calls).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Withdraw" }));
    expect(await screen.findByText("Not given.")).toBeInTheDocument();
    expect(calls).toEqual(["DELETE"]);
    fireEvent.click(screen.getByRole("button", { name: "I agree" }));
    expect(await screen.findByText(/You agreed to being recorded on/)).toBeInTheDocument();
    expect(calls).toEqual(["DELETE", "POST"]);
  });
});
