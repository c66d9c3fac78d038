// Shared shape of delivery-platform orders: how an order's context (items, status, courier, ETA,
// total) reads in the sidebar and in the note that lands in the thread.
import type { ContextRecord } from './types';

export interface OrderItem {
  name: string;
  quantity: number;
  price?: number | null;
}

export interface OrderFacts {
  platform: string;
  displayId?: string | null;
  status?: string | null;
  items?: OrderItem[];
  total?: number | null;
  currency?: string | null;
  courier?: { name?: string | null; phone?: string | null } | null;
  eta?: string | null;
  trackingUrl?: string | null;
  notes?: string | null;
  [extra: string]: unknown;
}

export function orderContext(reference: string, facts: OrderFacts): ContextRecord {
  return { kind: 'order', reference, data: { ...facts } };
}

export function orderNote(label: string, ctx: ContextRecord): string {
  const d = ctx.data as OrderFacts;
  const items = (d.items ?? []).map((i) => `${i.quantity}× ${i.name}`).join(', ');
  const parts = [
    `🛵 ${label} order ${d.displayId ?? ctx.reference}`,
    d.status ? `— ${d.status}` : null,
    items ? `· ${items}` : null,
    d.total !== null && d.total !== undefined ? `· ${d.total} ${d.currency ?? ''}`.trim() : null,
    d.courier?.name ? `· courier ${d.courier.name}` : null,
    d.eta ? `· ETA ${d.eta}` : null,
    d.notes ? `\nNote: ${d.notes}` : null,
  ];
  return parts.filter(Boolean).join(' ').replace(' \nNote', '\nNote');
}
