import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { noteTyping, phase, send } from './store';

/** Bump to move focus into the composer (the loader just opened the panel). */
export const focusComposer = signal(0);

// Lines the textarea grows to before it scrolls.
const MAX_HEIGHT_PX = 120;

export function Composer() {
  const draft = useSignal('');
  const input = useRef<HTMLTextAreaElement>(null);
  const ready = phase.value === 'ready';
  const focusRequests = focusComposer.value;

  useEffect(() => {
    // On touch devices focusing would pop the keyboard over the conversation the visitor wants to read.
    if (focusRequests && matchMedia('(pointer: fine)').matches) input.current?.focus();
  }, [focusRequests]);

  function resize(): void {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
  }

  function submit(): void {
    const text = draft.value.trim();
    if (!text || !ready) return;
    send(text);
    draft.value = '';
    // Preact updates the value on the next render; the height must follow the emptied box.
    requestAnimationFrame(resize);
  }

  return (
    <form
      class="pw-composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label class="pw-sr" for="pw-input">
        Message
      </label>
      <textarea
        id="pw-input"
        ref={input}
        rows={1}
        placeholder="Write a message…"
        enterkeyhint="send"
        value={draft.value}
        onInput={(e) => {
          draft.value = e.currentTarget.value;
          resize();
          noteTyping();
        }}
        onKeyDown={(e) => {
          // isComposing: Enter also confirms an IME composition (Japanese, Chinese…), which must not send.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <button type="submit" class="pw-send" aria-label="Send message" disabled={!ready || !draft.value.trim()}>
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M3 20.5v-6l8-2.5-8-2.5v-6l19 8.5z" />
        </svg>
      </button>
    </form>
  );
}
