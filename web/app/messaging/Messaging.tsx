// /inbox/messaging/:page — the supervisor pages: routing rules, SLA policies, escalations, AI alerts, workflows, analytics.
// Each page is its own file; this switch is the chunk's entry point.
import { AiAlertsPage } from './AiAlerts';
import { AnalyticsPage } from './Analytics';
import { EscalationsPage } from './Escalations';
import { MentionsPage } from './Mentions';
import { RoutingPage } from './Routing';
import { SlaPage } from './Sla';
import { WorkflowsPage } from './Workflows';

export const MESSAGING_PAGES = [
  { page: 'routing', label: 'Routing' },
  { page: 'sla', label: 'SLA policies' },
  { page: 'escalations', label: 'Escalations' },
  { page: 'ai-alerts', label: 'AI alerts' },
  { page: 'workflows', label: 'Workflows' },
  { page: 'analytics', label: 'Analytics' },
  { page: 'mentions', label: 'Mentions' },
] as const;

export function Messaging({ page, id }: { page: string; id: string | null }) {
  switch (page) {
    case 'routing':
      return <RoutingPage id={id} />;
    case 'sla':
      return <SlaPage id={id} />;
    case 'escalations':
      return <EscalationsPage id={id} />;
    case 'ai-alerts':
      return <AiAlertsPage id={id} />;
    case 'workflows':
      return <WorkflowsPage id={id} />;
    case 'analytics':
      return <AnalyticsPage />;
    case 'mentions':
      return <MentionsPage />;
    default:
      return (
        <section class="page" aria-labelledby="messaging-missing">
          <h1 id="messaging-missing">Not found</h1>
          <p class="muted">There is no page called “{page}”.</p>
        </section>
      );
  }
}
