import type { ComponentChildren } from 'preact';

// Parley's mark: a speech bubble on the brand colour (the rail, the sign-in and reset cards).
export function BrandMark({ size }: { size: number }) {
  return (
    <span class="brand-mark" aria-hidden="true">
      <svg viewBox="0 0 32 32" width={size} height={size}>
        <rect width="32" height="32" rx="9" fill="currentColor" />
        <path d="M9 10h14a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2h-8l-5 4v-4H9a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2z" fill="#fff" />
      </svg>
    </span>
  );
}

/** The signed-out card (sign in, reset password): the brand, a title, a line under it, then the form. */
export function AuthCard({ title, lead, children }: { title: string; lead: string; children: ComponentChildren }) {
  return (
    <main class="login">
      <div class="login-card">
        <div class="brand brand-lg">
          <BrandMark size={36} />
          <span>Parley</span>
        </div>
        <h1>{title}</h1>
        <p class="muted">{lead}</p>
        {children}
      </div>
    </main>
  );
}
