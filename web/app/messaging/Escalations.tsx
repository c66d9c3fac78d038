// Placeholder: being built (owner replaces this file).
export function EscalationsPage(_props: { id: string | null }) {
  return <section class="page"><h1>Escalations</h1></section>;
}
