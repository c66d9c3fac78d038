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
