// A PostCSS step for the agent app's stylesheet: every `@media (prefers-color-scheme: dark)` block
// also answers to a chosen theme. Inside the media query its rules skip <html data-theme="light">;
// a copy after it applies under <html data-theme="dark"> whatever the system says. So the styles are
// written once, for the system preference, and the profile's theme overrides it. `:where()` keeps
// every selector's specificity as written, so the cascade between rules is unchanged.
// Hand-written: the maintained plugins for this (postcss-dark-theme-class) rewrite to a class and
// move the light rules too; ours is twenty lines over PostCSS's own API, which Vite already runs.
import type { AtRule, Plugin, Rule } from 'postcss';

const DARK = /^\(\s*prefers-color-scheme\s*:\s*dark\s*\)$/;

function scope(selector: string, condition: string): string {
  const s = selector.trim();
  for (const root of [':root', 'html']) {
    if (s === root || s.startsWith(`${root} `) || s.startsWith(`${root}:`) || s.startsWith(`${root}.`) || s.startsWith(`${root}[`)) {
      return `${root}:where(${condition})${s.slice(root.length)}`;
    }
  }
  return `:where(:root${condition}) ${s}`;
}

export function themeAttribute(): Plugin {
  return {
    postcssPlugin: 'parley-theme-attribute',
    OnceExit(root) {
      const blocks: AtRule[] = [];
      root.walkAtRules('media', (at) => {
        if (DARK.test(at.params.trim())) blocks.push(at);
      });
      for (const at of blocks) {
        const forced: Rule[] = [];
        at.each((node) => {
          if (node.type !== 'rule') return;
          const copy = node.clone();
          copy.selectors = node.selectors.map((s) => scope(s, "[data-theme='dark']"));
          forced.push(copy);
          node.selectors = node.selectors.map((s) => scope(s, ":not([data-theme='light'])"));
        });
        at.after(forced);
      }
      // Native controls and scrollbars follow the chosen theme too.
      root.append("\n:root[data-theme='light'] { color-scheme: light; }\n:root[data-theme='dark'] { color-scheme: dark; }\n");
    },
  };
}
