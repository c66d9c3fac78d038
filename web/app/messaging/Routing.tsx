// Placeholder: being built (owner replaces this file).
export function RoutingPage(_props: { id: string | null }) {
  return <section class="page"><h1>Routing</h1></section>;
}
