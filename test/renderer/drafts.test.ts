import { describe, expect, it } from 'vitest';
import { clearDraft, draftKey, loadDraft, saveDraft, type DraftStorage } from '../../renderer/src/lib/drafts.js';

class MapStorage implements DraftStorage {
  readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

describe('quick-entry drafts', () => {
  it('keeps a draft per incident until it is cleared', () => {
    const s = new MapStorage();
    saveDraft(s, 'aaa', { text: 'Rook gezien bij', kind: 'melding' });
    saveDraft(s, 'bbb', { text: 'Besluit:', kind: 'besluit' });
    expect(loadDraft(s, 'aaa')).toEqual({ text: 'Rook gezien bij', kind: 'melding' });
    expect(loadDraft(s, 'bbb')).toEqual({ text: 'Besluit:', kind: 'besluit' });
    clearDraft(s, 'aaa');
    expect(loadDraft(s, 'aaa')).toBeNull();
    expect(loadDraft(s, 'bbb')).not.toBeNull();
  });

  it('an empty text removes the draft', () => {
    const s = new MapStorage();
    saveDraft(s, 'aaa', { text: 'x', kind: 'melding' });
    saveDraft(s, 'aaa', { text: '', kind: 'melding' });
    expect(s.map.has(draftKey('aaa'))).toBe(false);
  });

  it('survives damaged or missing storage', () => {
    const s = new MapStorage();
    s.setItem(draftKey('aaa'), '{not json');
    expect(loadDraft(s, 'aaa')).toBeNull();
    s.setItem(draftKey('aaa'), JSON.stringify({ text: 'hoi' }));
    expect(loadDraft(s, 'aaa')).toEqual({ text: 'hoi', kind: 'melding' });
    expect(loadDraft(null, 'aaa')).toBeNull();
    const full: DraftStorage = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem: () => {} };
    expect(() => saveDraft(full, 'aaa', { text: 'x', kind: 'melding' })).not.toThrow();
  });
});
