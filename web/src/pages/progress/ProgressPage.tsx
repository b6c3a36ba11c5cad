export function ProgressPage() { return <h1>Progress</h1>; }
