import type { ReactNode } from "react";
import { Card } from "../../components/ui/Card";

/** The centred card the sign-in and sign-up forms sit in. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <Card className="auth-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Podium
        </div>
        <h1>{title}</h1>
        {children}
      </Card>
    </main>
  );
}
