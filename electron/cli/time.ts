import { realpathSync } from 'node:fs';
import { checkZone, formatDuration, formatLocalTime, parseLocalTime, systemZone, type ParsedTime } from '../../shared/time/local-time.js';

/**
 * Times as this invocation shows and reads them: one zone (--tz, else $TZ, else the system's) and
 * one "now", fixed when the command starts, so every line of one output agrees on what today is.
 * --json output never goes through here: it stays UTC ISO 8601.
 */
export interface TimeView {
  readonly zone: string;
  /** Epoch ms when the command started. */
  readonly now: number;
  /** An instant for people: "22:31 CET" today, "30 Nov 22:31 CET" on another day (shared/time/local-time.ts). */
  at(instant: number | string, options?: { date?: 'auto' | 'always'; seconds?: boolean; lang?: 'nl' | 'en' }): string;
  /** A length of time: "45 s", "3 h 20 min". */
  duration(ms: number): string;
  /** What a person typed for a moment, read in this zone. */
  parse(text: string): ParsedTime;
}

export function timeView(zone: string, now: number): TimeView {
  return {
    zone,
    now,
    at: (instant, options) => formatLocalTime(instant, { zone, now, ...options }),
    duration: formatDuration,
    parse: (text) => parseLocalTime(text, { zone, now }),
  };
}

/**
 * The zone to use: --tz, else $TZ, else the system's. A --tz no zone has is refused, saying so. $TZ
 * may rightly hold what is not a zone's name: a file (":/etc/localtime") or a POSIX rule ("UTC0",
 * "CET-1CEST,M3.5.0,M10.5.0/3"); a file under a zoneinfo folder is read as the zone it is named
 * after, anything else of those forms as the zone this process keeps its clock in. Only a $TZ that
 * looks like a zone's name but is none ("Europe/Amsterdm") is refused: taking UTC for a typo would
 * show every time off by hours without a word.
 */
export function chooseZone(flag: string | undefined, env: NodeJS.ProcessEnv): { ok: true; zone: string } | { ok: false; problem: string } {
  if (flag !== undefined) {
    const checked = checkZone(flag);
    return checked.ok ? checked : { ok: false, problem: `--tz: ${checked.problem}` };
  }
  const fromEnv = env.TZ;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const checked = checkZone(fromEnv);
    if (checked.ok) return checked;
    const text = fromEnv.trim().replace(/^:/, '');
    if (text.startsWith('/')) return { ok: true, zone: zoneOfFile(text) ?? processZone() };
    if (POSIX_RULE.test(text)) return { ok: true, zone: processZone() };
    return { ok: false, problem: `the time zone in $TZ: ${checked.problem}; or give --tz ZONE` };
  }
  return { ok: true, zone: processZone() };
}

// POSIX TZ: std offset [dst [offset] [,start[/time],end[/time]]], names of 3+ letters or <+0330>.
const NAME = '(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)';
const OFFSET = '[+-]?\\d{1,3}(?::\\d{1,2}){0,2}';
const DAY = `(?:J\\d{1,3}|\\d{1,3}|M\\d{1,2}\\.\\d\\.\\d)(?:/${OFFSET})?`;
const POSIX_RULE = new RegExp(`^${NAME}${OFFSET}(?:${NAME}(?:${OFFSET})?(?:,${DAY},${DAY})?)?$`);

/**
 * The zone a tz file is for, by its name under a zoneinfo folder: the path as given first (a
 * zone's file may be a link to another zone of the same rules), then where its links lead
 * (/etc/localtime → /usr/share/zoneinfo/Europe/Amsterdam). Undefined for a file named otherwise.
 */
function zoneOfFile(path: string): string | undefined {
  let real: string | undefined;
  try {
    real = realpathSync(path);
  } catch {
    real = undefined;
  }
  for (const candidate of [path, real]) {
    const name = candidate && /^.*\/zoneinfo\/(?:posix\/|right\/)?(.+)$/.exec(candidate)?.[1];
    const checked = name ? checkZone(name) : undefined;
    if (checked?.ok) return checked.zone;
  }
  return undefined;
}

/**
 * The zone Intl reports for this process. For a $TZ that ICU reads only as a fixed offset ("JST-9",
 * "UTC0") it reports none, so the offset the clock keeps is taken: Etc/GMT-9 is UTC+9 (the sign of
 * those names is reversed). Intl here knows no zone for an offset of part of an hour: UTC then,
 * with the times shown labelled so, rather than wrong.
 */
function processZone(): string {
  const reported: string | undefined = systemZone();
  if (reported && checkZone(reported).ok) return reported;
  const minutesWest = new Date().getTimezoneOffset();
  if (minutesWest === 0 || minutesWest % 60 !== 0) return 'UTC';
  return `Etc/GMT${minutesWest > 0 ? '+' : '-'}${Math.abs(minutesWest / 60)}`;
}
