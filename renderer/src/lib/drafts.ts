/**
 * What someone is typing in the quick-entry bar, kept per incident in localStorage until it is
 * saved: a crash, a reload or a switch to another incident loses nothing. Takes a minimal storage
 * so a test can give it a Map; storage that throws (full, disabled) is treated as absent.
 */
export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface Draft {
  text: string;
  kind: string;
}

const PREFIX = 'baken.draft.';

export function draftKey(incident: string): string {
  return `${PREFIX}${incident}`;
}

export function loadDraft(storage: DraftStorage | null, incident: string): Draft | null {
  if (!storage) return null;
  try {
    const raw = storage.getItem(draftKey(incident));
    if (raw === null) return null;
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const { text, kind } = value as Partial<Record<keyof Draft, unknown>>;
    if (typeof text !== 'string') return null;
    return { text, kind: typeof kind === 'string' ? kind : 'melding' };
  } catch {
    return null;
  }
}

/** Saves the draft; an empty text removes it. */
export function saveDraft(storage: DraftStorage | null, incident: string, draft: Draft): void {
  if (!storage) return;
  try {
    if (draft.text.length === 0) storage.removeItem(draftKey(incident));
    else storage.setItem(draftKey(incident), JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the text is still in the field.
  }
}

export function clearDraft(storage: DraftStorage | null, incident: string): void {
  if (!storage) return;
  try {
    storage.removeItem(draftKey(incident));
  } catch {
    // Nothing to do.
  }
}
