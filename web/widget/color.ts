// The inbox colour is set by a workspace admin and ends up in CSS on the customer's page, so only plain
// hex colours are accepted; the text colour on top of it is derived so it stays readable.

export interface Accent {
  accent: string;
  onAccent: string;
}

export function accentColors(input: unknown): Accent | null {
  if (typeof input !== 'string' || !/^#([0-9a-f]{3}){1,2}$/i.test(input)) return null;
  const hex = input.length === 4 ? input.slice(1).replace(/./g, '$&$&') : input.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // WCAG contrast with white and with black are equal at a relative luminance of about 0.179.
  return { accent: input, onAccent: luminance > 0.179 ? '#111111' : '#ffffff' };
}
