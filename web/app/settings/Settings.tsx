// Settings, in one frame with its own navigation: personal preferences for everyone; inboxes (with
// the widget embed snippet and identity secret), users and roles, teams, tags, channels, AI,
// satisfaction surveys, webhooks and dead letters for managers.
// Later features add their sections to SECTIONS.
import type { ComponentType } from 'preact';
import { isManager } from '../state/session';
import { Ai } from './Ai';
import { BusinessHours } from './BusinessHours';
import { Channels } from './Channels';
import { Csat } from './Csat';
import { DeadLetters } from './DeadLetters';
import { Inboxes } from './Inboxes';
import { Password } from './Password';
import { Preferences } from './Preferences';
import { Profile } from './Profile';
import { SavedReplies } from './SavedReplies';
import { Tags } from './Tags';
import { Teams } from './Teams';
import { Users } from './Users';
import { Webhooks } from './Webhooks';

interface Section {
  key: string;
  label: string;
  manager: boolean;
  component: ComponentType;
}

const SECTIONS: Section[] = [
  { key: 'profile', label: 'Profile', manager: false, component: Profile },
  { key: 'preferences', label: 'Notifications', manager: false, component: Preferences },
  { key: 'password', label: 'Password', manager: false, component: Password },
  { key: 'saved-replies', label: 'Saved replies', manager: false, component: SavedReplies },
  { key: 'business-hours', label: 'Business hours', manager: true, component: BusinessHours },
  { key: 'inboxes', label: 'Inboxes', manager: true, component: Inboxes },
  { key: 'users', label: 'Users & roles', manager: true, component: Users },
  { key: 'teams', label: 'Teams', manager: true, component: Teams },
  { key: 'tags', label: 'Tags', manager: true, component: Tags },
  { key: 'channels', label: 'Channels', manager: true, component: Channels },
  { key: 'ai', label: 'AI', manager: true, component: Ai },
  { key: 'satisfaction', label: 'Satisfaction surveys', manager: true, component: Csat },
  { key: 'webhooks', label: 'Webhooks', manager: true, component: Webhooks },
  { key: 'dead-letters', label: 'Dead letters', manager: true, component: DeadLetters },
];

export function Settings({ section }: { section: string }) {
  const visible = SECTIONS.filter((s) => !s.manager || isManager.value);
  const current = visible.find((s) => s.key === section) ?? visible[0];
  const C = current.component;
  return (
    <div class="settings">
      <nav class="settings-nav" aria-label="Settings">
        <h1>Settings</h1>
        <ul>
          {visible.map((s) => (
            <li key={s.key}>
              <a href={`/settings/${s.key}`} class={s.key === current.key ? 'active' : ''} aria-current={s.key === current.key ? 'page' : undefined}>
                {s.label}
              </a>
            </li>
          ))}
        </ul>
        {!isManager.value ? <p class="muted small">Workspace settings are managed by your managers.</p> : null}
      </nav>
      <div class="settings-body">
        <C />
      </div>
    </div>
  );
}
