import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { authErrors, checkCredentials, sentence } from "./authErrors";

describe("authErrors", () => {
  it("says the password or email is wrong on 401", () => {
    expect(authErrors(new ApiError("wrong email or password", 401, "unauthorized"))).toEqual({
      form: "Wrong email or password.",
    });
  });

  it("puts a duplicate email on the email field", () => {
    expect(authErrors(new ApiError("an account with this email already exists", 409, "conflict")).email).toMatch(
      /already exists/,
    );
  });

  it("maps validation details to fields", () => {
    const err = new ApiError("request body is invalid", 422, "validation_failed", [
      { loc: ["email"], msg: "value is not a valid email address" },
      { loc: ["password"], msg: "String should have at least 8 characters" },
    ]);
    expect(authErrors(err)).toEqual({
      email: "Enter a valid email address, like ada@example.com.",
      password: "Use at least 8 characters.",
    });
  });

  it("shows the server's wait on 429", () => {
    const err = new ApiError("too many sign-in attempts from this address; try again in 42 s", 429, "rate_limited");
    expect(authErrors(err).form).toBe(
      "Too many sign-in attempts from this address; try again in 42 s. Please wait before trying again.",
    );
  });

  it("reports network trouble as a form error", () => {
    expect(authErrors(new ApiError("Cannot reach the Podium server (offline)."))).toEqual({
      form: "Cannot reach the Podium server (offline).",
    });
  });
});

describe("checkCredentials", () => {
  it("asks for a valid email and, on sign-up, 8 characters", () => {
    expect(checkCredentials("", "", "signin")).toEqual({
      email: "Enter your email address.",
      password: "Enter your password.",
    });
    expect(checkCredentials("ada", "short", "signup")).toEqual({
      email: "Enter a valid email address, like ada@example.com.",
      password: "Use at least 8 characters.",
    });
    expect(checkCredentials("ada@example.com", "short", "signin")).toEqual({});
  });
});

describe("sentence", () => {
  it("capitalises and ends with a full stop", () => {
    expect(sentence("wrong email or password")).toBe("Wrong email or password.");
    expect(sentence("Done!")).toBe("Done!");
  });
});
