import { useParams } from "react-router";
import { Link } from "react-router";
import { ApiError } from "../../api/client";
import { useReport } from "../../api/reports";
import { useSession } from "../../api/sessions";
import type { SessionOut } from "../../api/types";
import { PageHeader } from "../../components/ui/PageHeader";
import { EmptyState } from "../../components/ui/EmptyState";
import { ErrorBanner } from "../../components/ui/ErrorBanner";
import { Spinner } from "../../components/ui/Spinner";
import { AnalysisPanel } from "./AnalysisPanel";
import { ReportView } from "./ReportView";
import "../../components/transcript/transcript.css";
import "./review.css";

function NotFound() {
  return (
    <EmptyState title="Session not found">
      <p>
        It may have been deleted, or it belongs to someone else. <Link to="/sessions">Back to your sessions</Link>
      </p>
    </EmptyState>
  );
}

function ReportLoader({ session }: { session: SessionOut }) {
  const report = useReport(session.id, true);
  if (report.isPending) return <Spinner label="Loading the report…" />;
  if (report.error) {
    if (report.error instanceof ApiError && report.error.code === "report_not_ready") return <AnalysisPanel session={session} />;
    return <ErrorBanner error={report.error} title="Loading the report" onRetry={() => void report.refetch()} />;
  }
  return <ReportView data={report.data} />;
}

/** `/sessions/:id`: the analysis progress until the report is ready, then the review. */
export function ReviewPage() {
  const { id = "" } = useParams();
  const session = useSession(id);
  if (session.isPending) return <Spinner label="Loading the session…" />;
  if (session.error) {
    if (session.error instanceof ApiError && session.error.status === 404) return <NotFound />;
    return <ErrorBanner error={session.error} title="Loading the session" onRetry={() => void session.refetch()} />;
  }
  if (session.data.state === "analyzed") return <ReportLoader session={session.data} />;
  return (
    <div className="review">
      <PageHeader title={session.data.title || "Untitled session"}>
        <Link to="/sessions">All sessions</Link>
      </PageHeader>
      <AnalysisPanel session={session.data} />
    </div>
  );
}
