// Placeholder: being built (owner replaces this file).
export function SlaPage(_props: { id: string | null }) {
  return <section class="page"><h1>Sla</h1></section>;
}
