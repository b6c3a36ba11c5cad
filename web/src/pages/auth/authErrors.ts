// What to tell someone whose sign-in or sign-up failed, field by field.
import { ApiError, errorMessage } from "../../api/client";

export const MIN_PASSWORD_LENGTH = 8;

export interface FormErrors {
  form?: string;
  email?: string;
  password?: string;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** "wrong email or password" → "Wrong email or password." */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Checks made before asking the server (it checks again). */
export function checkCredentials(email: string, password: string, mode: "signin" | "signup"): FormErrors {
  const errors: FormErrors = {};
  if (!email.trim()) errors.email = "Enter your email address.";
  else if (!EMAIL_PATTERN.test(email.trim())) errors.email = "Enter a valid email address, like ada@example.com.";
  if (!password) errors.password = "Enter your password.";
  else if (mode === "signup" && password.length < MIN_PASSWORD_LENGTH) {
    errors.password = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  return errors;
}

interface FieldDetail {
  loc: unknown[];
  msg: string;
}

function fieldDetails(details: unknown): FieldDetail[] {
  if (!Array.isArray(details)) return [];
  return details.filter(
    (d): d is FieldDetail =>
      typeof d === "object" && d !== null && Array.isArray((d as FieldDetail).loc) && typeof (d as FieldDetail).msg === "string",
  );
}

function fromValidation(err: ApiError): FormErrors {
  const errors: FormErrors = {};
  for (const detail of fieldDetails(err.details)) {
    const field = detail.loc[detail.loc.length - 1];
    if (field === "email") errors.email = "Enter a valid email address, like ada@example.com.";
    else if (field === "password") {
      errors.password = /at least/i.test(detail.msg)
        ? `Use at least ${MIN_PASSWORD_LENGTH} characters.`
        : sentence(detail.msg);
    }
  }
  if (!errors.email && !errors.password) errors.form = sentence(err.message);
  return errors;
}

/** The server's refusal as form errors: 401 wrong password, 409 duplicate, 422 fields, 429 rate limit. */
export function authErrors(err: unknown): FormErrors {
  if (!(err instanceof ApiError)) return { form: sentence(errorMessage(err)) };
  switch (err.status) {
    case 401:
      return { form: "Wrong email or password." };
    case 409:
      return { email: "An account with this email already exists. Sign in instead." };
    case 422:
      return fromValidation(err);
    case 429:
      return { form: `${sentence(err.message)} Please wait before trying again.` };
    default:
      return { form: sentence(err.message) };
  }
}

export function hasErrors(errors: FormErrors): boolean {
  return Boolean(errors.form || errors.email || errors.password);
}
