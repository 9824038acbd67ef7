import type { Presenter } from '../../../shared/present/entry-line.js';
import type { Lang } from '../../../shared/present/words.js';
import { formatLocalTime, systemZone } from '../../../shared/time/local-time.js';

/** The window's presenter: local time with its zone in the reader's language, people by their directory label. */
export function makePresenter(lang: Lang, labels: ReadonlyMap<string, string>, zone = systemZone()): Presenter {
  return {
    lang,
    time: (ms) => formatLocalTime(ms, { zone, now: Date.now(), lang }),
    person: (author) => labels.get(author) ?? `${lang === 'nl' ? 'apparaat' : 'device'} ${author.slice(0, 8)}`,
  };
}

export function timeText(iso: string | number, lang: Lang, zone = systemZone()): string {
  return formatLocalTime(iso, { zone, now: Date.now(), lang });
}
