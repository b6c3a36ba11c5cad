import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { useMe, useSignIn } from "../../auth/me";
import { safeNext } from "../../auth/next";
import { Button } from "../../components/ui/Button";
import { Field } from "../../components/ui/Field";
import { Spinner } from "../../components/ui/Spinner";
import { AuthLayout } from "./AuthLayout";
import { authErrors, checkCredentials, hasErrors, type FormErrors } from "./authErrors";

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const me = useMe();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const [email, setEmail] = useState(params.get("email") ?? "");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});

  if (me.isPending) return <Spinner label="Checking your sign-in…" />;
  if (me.data) return <Navigate to={next} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkCredentials(email, password, "signin");
    setErrors(found);
    if (hasErrors(found)) return;
    signIn.mutate(
      { email: email.trim(), password },
      {
        onSuccess: () => void navigate(next, { replace: true }),
        onError: (err) => setErrors(authErrors(err)),
      },
    );
  };

  const signUpLink = params.get("next") ? `/signup?next=${encodeURIComponent(next)}` : "/signup";
  return (
    <AuthLayout title="Sign in">
      <p className="muted">Rehearse your talk and get live feedback on pace, voice and body language.</p>
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
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          required
        />
        <Button type="submit" busy={signIn.isPending}>
          {signIn.isPending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      <p className="auth-switch">
        New to Podium? <Link to={signUpLink}>Create an account</Link>
      </p>
    </AuthLayout>
  );
}
