// Renders the installable app's PNG icons (web/app/public/icons) from the logo, full-bleed so Android's
// maskable crop keeps the speech bubble (it sits well inside the 80% safe zone). Run by hand when the
// logo changes: node scripts/make-icons.mjs
import sharp from 'sharp';

const fullBleed = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="#2563eb"/><path d="M9 10h14a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2h-8l-5 4v-4H9a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2z" fill="#fff"/></svg>`;
for (const size of [192, 512]) {
  await sharp(Buffer.from(fullBleed), { density: (72 * size) / 32 }).resize(size, size).png().toFile(`web/app/public/icons/icon-${size}.png`);
}
console.log('wrote web/app/public/icons/icon-192.png and icon-512.png');
