import { errorMessage } from "../../api/client";
import { Button } from "./Button";

export interface ErrorBannerProps {
  error: unknown;
  /** What failed, e.g. "Signing in": shown before the message. */
  title?: string;
  onRetry?: () => void;
  onDismiss?: () => void;
}

/** An error for people: the server's message, with optional retry and dismiss. */
export function ErrorBanner({ error, title, onRetry, onDismiss }: ErrorBannerProps) {
  return (
    <div className="error-banner" role="alert">
      <p>
        {title && <strong>{title}: </strong>}
        {errorMessage(error)}
      </p>
      {(onRetry || onDismiss) && (
        <div className="error-banner-actions">
          {onRetry && (
            <Button variant="secondary" onClick={onRetry}>
              Try again
            </Button>
          )}
          {onDismiss && (
            <Button variant="ghost" onClick={onDismiss} aria-label="Dismiss error">
              Dismiss
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
