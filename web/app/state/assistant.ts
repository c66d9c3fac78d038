// The AI side of the open conversation: the inbox assistant's state (active, taken over, handed off),
// the confidence of each AI-written message, take over / resume, and the conversation summary.
import { computed, signal } from '@preact/signals';
import { api, errorText } from '../lib/api';
import { toast } from './toast';

export interface AiMessageInfo {
  messageId: string;
  kind: string;
  confidence: number | null;
  sources: SourceRef[];
  createdAt: number;
}

export type SourceRef = { type: 'article'; id: string; title: string; kind: string; url: string | null } | { type: 'conversation'; id: string; messageId: string };

export interface AssistantInfo {
  mode: 'off' | 'suggest' | 'auto-send';
  state: string;
  reason: string | null;
  byUserId: string | null;
  followUps: string[];
  summary: string | null;
  summaryAt: number | null;
  messages: AiMessageInfo[];
}

export interface Summary {
  summary: string | null;
  followUps: string[];
  at: number | null;
}

/** The assistant of the conversation whose id is `assistantFor`. */
export const assistant = signal<AssistantInfo | null>(null);
export const assistantFor = signal<string | null>(null);
export const aiConfidence = computed(() => new Map((assistant.value?.messages ?? []).map((m) => [m.messageId, m.confidence])));

export async function loadAssistant(conversationId: string): Promise<void> {
  if (assistantFor.value !== conversationId) assistant.value = null;
  assistantFor.value = conversationId;
  try {
    const a = await api<AssistantInfo>(`/conversations/${conversationId}/assistant`);
    if (assistantFor.value === conversationId) assistant.value = a;
  } catch {
    // The thread works without it; the badge just shows no percentage.
  }
}

export async function setAssistantActive(conversationId: string, active: boolean): Promise<void> {
  try {
    const res = await api<{ state: string }>(`/conversations/${conversationId}/assistant/${active ? 'resume' : 'take-over'}`, { method: 'POST' });
    if (assistantFor.value === conversationId && assistant.value) assistant.value = { ...assistant.value, state: res.state };
    toast(active ? 'The assistant answers this conversation again' : 'You took over from the assistant', 'success');
  } catch (err) {
    toast(`Could not ${active ? 'resume the assistant' : 'take over'}: ${errorText(err)}`, 'error');
  }
}

/** A confidence in 0..1 as a whole percentage. */
export function percent(c: number | null | undefined): string {
  return c === null || c === undefined ? '' : `${Math.round(c * 100)}%`;
}
