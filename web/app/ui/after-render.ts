// Focus or a caret to restore once a change has been drawn: the caller names what to do, the next
// render of its component does it. In a layout effect, on purpose: Preact runs a render's pending
// plain effects at the start of the next render, still on the old DOM, so a plain effect could look
// for the element a change adds before it exists and drop the focus (CI caught the workflow editor
// doing so). A layout effect runs at the commit of its own render, when the element is there.
import { useLayoutEffect, useRef } from 'preact/hooks';

/** Returns `after(fn)`: `fn` runs once, right after this component's next render is on the page. */
export function useAfterRender(): (fn: () => void) => void {
  const pending = useRef<(() => void) | null>(null);
  useLayoutEffect(() => {
    const fn = pending.current;
    pending.current = null;
    fn?.();
  });
  return (fn) => {
    pending.current = fn;
  };
}
