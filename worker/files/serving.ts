// How a stored file is served from the app's own origin. Files come from customers (inbound
// media, e-mail attachments) and from any signed-in user (uploads), so nothing they contain may
// run as the app: only raster images render inline, everything else is a download, every response
// is sniff-proof and sandboxed, and the type that was claimed at upload never decides this alone.

/** Image types a browser decodes as pixels only (no script, no external loads): safe to show inline. */
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

/**
 * Types served under their own name (so a download opens in the right program); anything else —
 * documents and scripts a browser would run (HTML, SVG, XML, JavaScript) and anything unknown — is
 * served as opaque bytes. An allow-list: a type the uploader made up never reaches the browser.
 */
const PASSIVE_TYPES = /^(image\/(png|jpeg|gif|webp|avif|bmp|tiff|heic|heif)|audio\/[\w.+-]+|video\/[\w.+-]+|text\/(plain|csv|calendar|vcard)|application\/(pdf|zip|gzip|json|msword|rtf|vnd\.openxmlformats-officedocument\.[\w.]+|vnd\.ms-[\w.]+|vnd\.oasis\.opendocument\.[\w.]+|octet-stream))$/;

/** A CSP that makes even a mis-sniffed document inert: no script, no plugins, no forms, a unique origin. */
export const FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

export function isInlineImage(contentType: string): boolean {
  return INLINE_IMAGE_TYPES.has(baseType(contentType));
}

function baseType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/**
 * A file name fit for storage and headers: control characters (CR/LF would break the
 * Content-Disposition header) and path separators removed, trimmed, at most 200 characters.
 * Empty when nothing usable is left.
 */
export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029/\\]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** RFC 6266 Content-Disposition: an ASCII fallback in `filename`, the exact name (UTF-8) in `filename*`. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const clean = cleanFileName(name) || 'file';
  const ascii = clean.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The headers a file download is answered with, whatever metadata was stored with it. */
export function fileResponseHeaders(storedType: string | undefined, name: string): Record<string, string> {
  const type = baseType(storedType || 'application/octet-stream') || 'application/octet-stream';
  const inline = isInlineImage(type);
  return {
    // Only a known passive type keeps its name (parameters dropped): even with `attachment`, some clients render what they are told.
    'content-type': PASSIVE_TYPES.test(type) ? type : 'application/octet-stream',
    'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', name),
    'x-content-type-options': 'nosniff',
    'content-security-policy': FILE_CSP,
    // Other sites may not embed the bytes (the app and the widget frame are served from this site).
    'cross-origin-resource-policy': 'same-site',
    'referrer-policy': 'no-referrer',
  };
}
