import { useState } from "react";
import { useMe } from "../../auth/me";
import { useConsent } from "../../auth/consent";
import { ConsentExplanation } from "../../components/consent/ConsentPrompt";
import { formatDateTime } from "../../components/transcript/clock";
import { Button } from "../../components/ui/Button";
import { Card } from "../../components/ui/Card";
import { ErrorBanner } from "../../components/ui/ErrorBanner";
import { PageHeader } from "../../components/ui/PageHeader";
import "../../components/consent/consent.css";

function ConsentCard() {
  const { state, consentAt, give, withdraw } = useConsent();
  const [confirming, setConfirming] = useState(false);
  const error = give.error ?? withdraw.error;
  return (
    <Card title="Consent to being recorded" className="consent-card">
      <p id="consent-state" data-state={state}>
        {state === "given" ? (
          <>
            You agreed to being recorded on <strong>{formatDateTime(consentAt)}</strong>.
          </>
        ) : (
          <>
            <strong>Not given.</strong> You cannot practise or upload a recording until you agree.
          </>
        )}
      </p>
      <ConsentExplanation />
      {error ? <ErrorBanner error={error} title="Changing consent" /> : null}
      <div className="consent__actions">
        {state === "missing" ? (
          <Button busy={give.isPending} onClick={() => give.mutate()}>
            I agree
          </Button>
        ) : null}
        {state === "given" && !confirming ? (
          <Button variant="secondary" onClick={() => setConfirming(true)}>
            Withdraw consent
          </Button>
        ) : null}
        {state === "given" && confirming ? (
          <div className="consent__actions" role="group" aria-label="Withdraw consent?">
            <span>New practice sessions and uploads will be refused; existing recordings stay.</span>
            <Button
              variant="danger"
              busy={withdraw.isPending}
              autoFocus
              onClick={() => withdraw.mutate(undefined, { onSettled: () => setConfirming(false) })}
            >
              Withdraw
            </Button>
            <Button variant="ghost" onClick={() => setConfirming(false)} disabled={withdraw.isPending}>
              Cancel
            </Button>
          </div>
        ) : null}
      </div>
    </Card>
  );
}

/** `/account`: who is signed in, consent to being recorded (give or withdraw) and the data export. */
export function AccountPage() {
  const me = useMe();
  return (
    <div className="account-page page-narrow">
      <PageHeader title="Account">
        Signed in as {me.data?.email ?? "…"}
        {me.data ? ` since ${formatDateTime(me.data.created_at)}` : ""}.
      </PageHeader>
      <ConsentCard />
      <Card title="Your data">
        <p>Download everything of yours: account, goals, sessions, reports, notes and recordings.</p>
        <a className="btn btn-secondary" href="/api/v1/me/export" download>
          Export my data
        </a>
      </Card>
    </div>
  );
}
