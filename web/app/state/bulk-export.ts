// "Export" in the bulk bar: POST /api/conversations/bulk/export answers with a file (CSV or JSON),
// streamed by the server; the browser saves it under the name the server gives.
import { ApiError } from '../lib/api';
import { saveBlob } from '../lib/download';

export async function downloadExport(target: { ids: string[] } | { filter: Record<string, string> }, format: 'csv' | 'json'): Promise<void> {
  let res: Response;
  try {
    res = await fetch('/api/conversations/bulk/export', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: format === 'csv' ? 'text/csv' : 'application/json' },
      body: JSON.stringify({ ...target, format }),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'Network error', 'Parley could not be reached. Check your connection.');
  }
  if (!res.ok) {
    const p = ((await res.json().catch(() => null)) ?? {}) as { title?: string; detail?: string };
    throw new ApiError(res.status, p.title ?? 'Export failed', p.detail);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `parley-conversations.${format}`;
  saveBlob(name, await res.blob());
}
