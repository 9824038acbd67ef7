import type { PersonView } from '../../shared/contract/people.js';
import type { Presenter } from '../../shared/present/entry-line.js';
import type { Lang } from '../../shared/present/words.js';
import type { TimeView } from './time.js';

/** What a command's human output is drawn with: times in the invocation's zone, people by name, the reader's language. */
export interface OutputView extends TimeView {
  presenter: Presenter;
}

/**
 * The language of rows and cards: BAKEN_LANG (nl or en), else the locale's (LC_ALL, LC_MESSAGES,
 * LANG: Dutch when it starts with nl), else English. Messages and help stay English.
 */
export function chooseLang(env: NodeJS.ProcessEnv): Lang {
  const explicit = env.BAKEN_LANG?.trim().toLowerCase();
  if (explicit === 'nl' || explicit === 'en') return explicit;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^nl/i.test(locale) ? 'nl' : 'en';
}

export function outputView(time: TimeView, lang: Lang, people: readonly PersonView[]): OutputView {
  const labels = new Map(people.map((p) => [p.author, p.label]));
  // Dates read the same in every line of one output, messages included: "1 jul" for a Dutch reader.
  const at: TimeView['at'] = (instant, options) => time.at(instant, { lang, ...options });
  return {
    ...time,
    at,
    presenter: { lang, time: (ms) => at(ms), person: (author) => labels.get(author) ?? `device ${author.slice(0, 8)}` },
  };
}
