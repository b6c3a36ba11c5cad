import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { register, signIn } from "../../api/auth";
import { ME_KEY, useMe } from "../../auth/me";
import { safeNext } from "../../auth/next";
import { Button } from "../../components/ui/Button";
import { Field } from "../../components/ui/Field";
import { Spinner } from "../../components/ui/Spinner";
import { AuthLayout } from "./AuthLayout";
import { authErrors, checkCredentials, hasErrors, MIN_PASSWORD_LENGTH, type FormErrors } from "./authErrors";

interface SignUp {
  email: string;
  password: string;
  consent: boolean;
}

/** Register (with the consent to being recorded, when given), then sign in with the same credentials. */
function useSignUp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ email, password, consent }: SignUp) => {
      await register(email, password, consent);
      return signIn(email, password);
    },
    onSuccess: (user) => client.setQueryData(ME_KEY, user),
  });
}

export function SignUpPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const me = useMe();
  const signUp = useSignUp();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [consent, setConsent] = useState(false);
  const [errors, setErrors] = useState<FormErrors>({});

  if (me.isPending) return <Spinner label="Checking your sign-in…" />;
  if (me.data) return <Navigate to={next} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkCredentials(email, password, "signup");
    setErrors(found);
    if (hasErrors(found)) return;
    signUp.mutate(
      { email: email.trim(), password, consent },
      {
        onSuccess: () => void navigate(next, { replace: true }),
        onError: (err) => setErrors(authErrors(err)),
      },
    );
  };

  const signInLink = params.get("next") ? `/signin?next=${encodeURIComponent(next)}` : "/signin";
  return (
    <AuthLayout title="Create your account">
      <p className="muted">Your recordings and reports stay on this Podium server.</p>
      {errors.form && (
        <div className="error-banner" role="alert">
          <p>{errors.form}</p>
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
          required
          autoFocus
        />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          error={errors.password}
          minLength={MIN_PASSWORD_LENGTH}
          required
        />
        <div className="field">
          <label className="check">
            <input
              id="consent"
              name="consent"
              type="checkbox"
              checked={consent}
              onChange={(e) => setConsent(e.target.checked)}
              aria-describedby="consent-hint"
            />
            I agree to have my practice sessions recorded and analysed on this server
          </label>
          <p id="consent-hint" className="field-hint">
            Needed before you practise or upload a talk. Coaches who only watch can leave it unticked.
          </p>
        </div>
        <Button type="submit" busy={signUp.isPending}>
          {signUp.isPending ? "Creating your account…" : "Create account"}
        </Button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link to={signInLink}>Sign in</Link>
      </p>
    </AuthLayout>
  );
}
