// Placeholder: being built (owner replaces this file).
export function AiAlertsPage(_props: { id: string | null }) {
  return <section class="page"><h1>AiAlerts</h1></section>;
}
