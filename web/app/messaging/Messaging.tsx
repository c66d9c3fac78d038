// /inbox/messaging/:page — the supervisor pages: routing rules, SLA policies, escalations, AI alerts, workflows, analytics,
// templates, audiences and broadcasts.
// Each page is its own file; this switch is the chunk's entry point.
import { AiAlertsPage } from './AiAlerts';
import { AnalyticsPage } from './Analytics';
import { AudiencesPage } from './Audiences';
import { BroadcastsPage } from './Broadcasts';
import { EscalationsPage } from './Escalations';
import { MentionsPage } from './Mentions';
import { RoutingPage } from './Routing';
import { SlaPage } from './Sla';
import { TemplatesPage } from './Templates';
import { WorkflowsPage } from './Workflows';

export const MESSAGING_PAGES = [
  { page: 'routing', label: 'Routing' },
  { page: 'sla', label: 'SLA policies' },
  { page: 'escalations', label: 'Escalations' },
  { page: 'ai-alerts', label: 'AI alerts' },
  { page: 'workflows', label: 'Workflows' },
  { page: 'analytics', label: 'Analytics' },
  { page: 'templates', label: 'Templates' },
  { page: 'audiences', label: 'Audiences' },
  { page: 'broadcasts', label: 'Broadcasts' },
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
    case 'templates':
      return <TemplatesPage id={id} />;
    case 'audiences':
      return <AudiencesPage id={id} />;
    case 'broadcasts':
      return <BroadcastsPage id={id} />;
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
