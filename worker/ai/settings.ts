// AI settings: the workspace's reply style (tone, formality, signature, VIP tags, pre-computing
// suggestions) and each inbox's assistant (mode, prompt, channels, auto-send threshold, handoff).
import type { WorkspaceScope } from '../db/scope';
import { DEFAULT_STYLE, FORMALITIES, TONES, type ReplyStyle } from './style';

/** What the customer reads when an agent takes over from the assistant (worker/ai/takeover-message.ts). */
export const DEFAULT_TAKEOVER_MESSAGE = "You're now talking with {{agent.first_name}} from our team.";

export interface AiWorkspaceSettings extends ReplyStyle {
  /** Contacts with any of these tags are VIPs: formal replies, never auto-answered. */
  vipTags: string[];
  /** Compute suggestions when a customer writes, so opening the thread finds them ready. */
  prewarm: boolean;
  /** Suggested replies below this confidence (0–1) are not shown to agents: a 4 % guess costs more attention than it saves. */
  suggestionThreshold: number;
  /** Sent to the customer as the agent when they take over from the assistant (merge fields allowed); null: nothing is sent. */
  takeoverMessage: string | null;
}

export const DEFAULT_AI_SETTINGS: AiWorkspaceSettings = { ...DEFAULT_STYLE, vipTags: ['vip'], prewarm: true, suggestionThreshold: 0.3, takeoverMessage: DEFAULT_TAKEOVER_MESSAGE };

export function settingsWithDefaults(raw: Record<string, unknown> | null | undefined): AiWorkspaceSettings {
  const r = raw ?? {};
  return {
    tone: (TONES as readonly string[]).includes(r.tone as string) ? (r.tone as AiWorkspaceSettings['tone']) : DEFAULT_AI_SETTINGS.tone,
    formality: (FORMALITIES as readonly string[]).includes(r.formality as string) ? (r.formality as AiWorkspaceSettings['formality']) : DEFAULT_AI_SETTINGS.formality,
    signature: typeof r.signature === 'string' && r.signature.trim() ? r.signature : null,
    vipTags: Array.isArray(r.vipTags) ? (r.vipTags as unknown[]).filter((t): t is string => typeof t === 'string').map((t) => t.toLowerCase()) : DEFAULT_AI_SETTINGS.vipTags,
    prewarm: typeof r.prewarm === 'boolean' ? r.prewarm : DEFAULT_AI_SETTINGS.prewarm,
    suggestionThreshold: typeof r.suggestionThreshold === 'number' && r.suggestionThreshold >= 0 && r.suggestionThreshold <= 1 ? r.suggestionThreshold : DEFAULT_AI_SETTINGS.suggestionThreshold,
    // Saved as null or an empty text: the manager switched it off; never saved: the default.
    takeoverMessage: typeof r.takeoverMessage === 'string' ? r.takeoverMessage.trim() || null : r.takeoverMessage === null ? null : DEFAULT_AI_SETTINGS.takeoverMessage,
  };
}

/** The statement reading the workspace's AI settings (for batching); parse its row with settingsFrom. */
export function settingsStatement(scope: WorkspaceScope): D1PreparedStatement {
  return scope.prepare(`SELECT settings FROM ai_settings WHERE workspace_id = ?1 AND id = ?1`);
}

export function settingsFrom(row: { settings: string } | undefined | null): AiWorkspaceSettings {
  return settingsWithDefaults(row ? (JSON.parse(row.settings) as Record<string, unknown>) : null);
}

export async function loadAiSettings(scope: WorkspaceScope): Promise<AiWorkspaceSettings> {
  return settingsFrom(await settingsStatement(scope).first<{ settings: string }>());
}

export const ASSISTANT_MODES = ['off', 'suggest', 'auto-send'] as const;
export type AssistantMode = (typeof ASSISTANT_MODES)[number];

export interface AssistantConfig {
  inboxId: string;
  mode: AssistantMode;
  prompt: string | null;
  /** Channels it answers on; empty: every channel. */
  channels: string[];
  threshold: number;
  handoffMessage: string | null;
}

interface AssistantRow {
  id: string;
  mode: string;
  prompt: string | null;
  channels: string;
  threshold: number;
  handoff_message: string | null;
}

export function assistantFromRow(r: AssistantRow): AssistantConfig {
  return {
    inboxId: r.id,
    mode: (ASSISTANT_MODES as readonly string[]).includes(r.mode) ? (r.mode as AssistantMode) : 'off',
    prompt: r.prompt,
    channels: JSON.parse(r.channels) as string[],
    threshold: r.threshold,
    handoffMessage: r.handoff_message,
  };
}

/**
 * Auto-send only above this calibrated confidence (the probability the top article answers). On the
 * calibration set, out of sample (test/ai-eval/calibration.test.ts), 0.9 sends 227 of 508 answerable
 * questions right with 3 wrong, where 0.85 sent 5 and 0.7 sent 10 wrong. On the held-out set it sends
 * 30 of 56 per business and 22 of 56 with three businesses in one workspace, none wrong
 * (test/fixtures/ai-eval/after.txt).
 */
export const DEFAULT_AUTO_SEND_THRESHOLD = 0.9;
