/**
 * Time as people type it and read it, in one IANA time zone ("Europe/Amsterdam"). Pure: the zone
 * rules come from Intl, "now" is passed in, so the CLI and the window show and read times alike.
 *
 * Reading (parseLocalTime):
 *   2026-12-01T23:30, 2026-12-01 23:30   a date and time in the zone (seconds and milliseconds allowed)
 *   23:30, 9:05                          that time today, today as the zone has it at `now`
 *   2026-12-01                           the start of that day in the zone (local midnight)
 *   …+01:00, …+0100, …+01, …Z            an explicit offset: the zone is not used
 * Around a change of the clocks:
 *   - a time the clocks skip (02:30 on the night summer time starts) does not exist: refused, saying
 *     which times were skipped, because any guess could be an hour off;
 *   - a time the clocks pass twice (02:30 on the night summer time ends) means the first one, the
 *     earlier instant, with a note saying so and how to write the second;
 *   - a date alone whose midnight is skipped (zones that change the clocks at midnight) means the
 *     first instant of that day.
 * This assumes a zone changes its offset at most once within any 26 hours, true of every zone in
 * use today.
 *
 * Showing (formatLocalTime): "22:31 CET" when the instant falls on today's date in the zone,
 * "30 Nov 22:31 CET" on another day of this year, "30 Nov 2025 22:31 CET" in another year. A
 * month's name cannot be misread the way 11/30 and 30-11 are between English and Dutch habits, it
 * is shorter than an ISO date for the days a crisis lasts, and the zone's abbreviation (CET or
 * CEST) tells apart the two 02:30s of the night the clocks go back.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const MONTHS_NL = ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'] as const;

export type ZoneCheck = { ok: true; zone: string } | { ok: false; problem: string };

/** The zone's canonical name ("europe/amsterdam" → "Europe/Amsterdam"), or why it is not one. */
export function checkZone(name: string): ZoneCheck {
  const text = name.trim().replace(/^:/, '');
  if (text === '') return { ok: false, problem: 'the time zone is empty; give a name like Europe/Amsterdam' };
  try {
    return { ok: true, zone: new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone };
  } catch {
    return { ok: false, problem: `${JSON.stringify(text)} is not a time zone this system knows; give a name like Europe/Amsterdam, UTC or America/New_York` };
  }
}

/** The zone of the machine (or of the browser window) running this. */
export function systemZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A date and time on a clock on the wall: what people type and read. Months and days count from 1. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall time in `zone` at instant `ms`, and the zone's offset from UTC then (ms; +1 h for CET). */
export function wallTimeAt(ms: number, zone: string): WallTime & { offsetMs: number } {
  const offsetMs = steadyValue(offsetCache, ms, zone, intlOffset);
  const d = new Date(ms + offsetMs);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(), offsetMs,
  };
}

function intlOffset(ms: number, zone: string): number {
  let format = wallFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    wallFormats.set(zone, format);
  }
  const part: Record<string, number> = {};
  for (const p of format.formatToParts(ms)) if (p.type !== 'literal') part[p.type] = Number(p.value);
  const millis = ((ms % 1000) + 1000) % 1000;
  return wallAsUtc({ year: part.year!, month: part.month!, day: part.day!, hour: part.hour!, minute: part.minute!, second: part.second!, ms: millis }) - ms;
}

/**
 * Asking Intl costs tens of microseconds, which an export of 10 000 rows pays several times a row.
 * A zone's offset and name change only at its transitions, so they are remembered per quarter of an
 * hour: when the value at the start and at the end of the quarter agree, it holds for the whole
 * quarter (zones change at most once in 26 hours); when they differ, the quarter holds a transition
 * and every instant in it is asked of Intl itself.
 */
const QUARTER = 15 * MINUTE;
const MAX_REMEMBERED = 20_000;
const offsetCache = new Map<string, number | null>();
const nameCache = new Map<string, string | null>();

function steadyValue<T>(cache: Map<string, T | null>, ms: number, zone: string, ask: (ms: number, zone: string) => T): T {
  const start = Math.floor(ms / QUARTER) * QUARTER;
  const key = `${zone}|${start}`;
  let value = cache.get(key);
  if (value === undefined) {
    const first = ask(start, zone);
    value = first === ask(start + QUARTER - 1, zone) ? first : null;
    if (cache.size >= MAX_REMEMBERED) cache.clear();
    cache.set(key, value);
  }
  return value === null ? ask(ms, zone) : value;
}

/** The zone's offset from UTC at instant `ms`. */
export function offsetAt(ms: number, zone: string): number {
  return wallTimeAt(ms, zone).offsetMs;
}

/** The same digits read as a UTC time; years 0-99 stay years 0-99. */
function wallAsUtc(w: WallTime): number {
  const d = new Date(Date.UTC(2000, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms));
  d.setUTCFullYear(w.year);
  return d.getTime();
}

/** Where a wall time falls: one instant, two (the clocks went back), or none (the clocks skipped it). */
export type Placement =
  | { kind: 'one'; ms: number }
  | { kind: 'two'; earlier: number; later: number }
  | { kind: 'none'; transition: number; offsetBefore: number; offsetAfter: number };

export function placeWallTime(wall: WallTime, zone: string): Placement {
  const local = wallAsUtc(wall);
  // Offsets in use span UTC-12 to UTC+14, so the instant lies in this window; at most one change
  // of the offset falls within it (see the top of this file).
  const from = local - 14 * HOUR;
  const to = local + 12 * HOUR;
  const offsets = [...new Set([offsetAt(from, zone), offsetAt(to, zone)])];
  const found = offsets.map((o) => local - o).filter((ms) => offsetAt(ms, zone) === local - ms).sort((a, b) => a - b);
  if (found.length === 1) return { kind: 'one', ms: found[0]! };
  if (found.length >= 2) return { kind: 'two', earlier: found[0]!, later: found[found.length - 1]! };
  return { kind: 'none', transition: transitionBetween(from, to, zone), offsetBefore: offsetAt(from, zone), offsetAfter: offsetAt(to, zone) };
}

/** The first second at which the zone's offset differs from its offset at `from` (binary search). */
function transitionBetween(from: number, to: number, zone: string): number {
  const before = offsetAt(from, zone);
  let lo = from;
  let hi = to;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, zone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

export type ParsedTime = { ok: true; ms: number; note: string | null } | { ok: false; problem: string };

const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3}))?)?`;
const OFFSET = String.raw`(Z|[+-]\d{2}(?::?\d{2})?)`;
const DATE_TIME = new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})(?:(?:T|\s+)${TIME})?\s*${OFFSET}?$`, 'i');
const TIME_ONLY = new RegExp(String.raw`^${TIME}\s*${OFFSET}?$`, 'i');
export const TIME_EXAMPLES = 'a time like 14:05 (today), a date and time like 2026-11-22 14:05, or a date like 2026-11-22 (midnight)';

/** What a person typed for a moment, read in `zone` (see the top of this file); `now` decides what "today" is. */
export function parseLocalTime(input: string, { zone, now }: { zone: string; now: number }): ParsedTime {
  const text = input.trim();
  const full = DATE_TIME.exec(text);
  const short = full ? null : TIME_ONLY.exec(text);
  if (!full && !short) return { ok: false, problem: `${JSON.stringify(input)} is not a time: give ${TIME_EXAMPLES}` };
  const [hourText, minuteText, secondText, fractionText, offsetText] = full ? full.slice(4, 9) : short!.slice(1, 6);

  let offset: number | null = null;
  if (offsetText !== undefined) {
    const parsed = parseOffset(offsetText);
    if (parsed === null) return { ok: false, problem: `${JSON.stringify(offsetText)} in ${JSON.stringify(input)} is not a UTC offset; give one like +01:00, -05:00 or Z` };
    offset = parsed;
  }
  // "Today" as the clock the time is read on shows it: the zone's, or the one the offset names.
  const today = offset === null ? wallTimeAt(now, zone) : wallTimeAt(now + offset, 'UTC');
  const wall: WallTime = {
    year: full ? Number(full[1]) : today.year,
    month: full ? Number(full[2]) : today.month,
    day: full ? Number(full[3]) : today.day,
    hour: Number(hourText ?? 0),
    minute: Number(minuteText ?? 0),
    second: Number(secondText ?? 0),
    ms: fractionText === undefined ? 0 : Number(fractionText.padEnd(3, '0')),
  };
  const dateText = `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
  if (wall.year < 1000 || wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.day > daysIn(wall.year, wall.month)) {
    return { ok: false, problem: `${dateText} is not a date on the calendar` };
  }
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
    return { ok: false, problem: `${hourText}:${minuteText}${secondText === undefined ? '' : `:${secondText}`} is not a time of day (00:00 to 23:59)` };
  }
  if (offset !== null) return { ok: true, ms: wallAsUtc(wall) - offset, note: null };

  const placed = placeWallTime(wall, zone);
  if (placed.kind === 'one') return { ok: true, ms: placed.ms, note: null };
  const timeText = `${pad(wall.hour)}:${pad(wall.minute)}${wall.second || wall.ms ? `:${pad(wall.second)}` : ''}`;
  if (placed.kind === 'two') {
    // A date alone means the start of the day: the first midnight, and nothing to explain.
    if (hourText === undefined) return { ok: true, ms: placed.earlier, note: null };
    const back = wallTimeAt(placed.later, zone);
    return {
      ok: true,
      ms: placed.earlier,
      note:
        `${timeText} happens twice in ${zone} on ${dateText} (the clocks go back that night); ` +
        `taken as the first, ${timeText} ${zoneAbbreviation(placed.earlier, zone)}. For the second, give ${dateText} ${timeText}${formatOffset(back.offsetMs)}`,
    };
  }
  if (hourText === undefined) {
    // A date alone means the start of that day; here midnight is skipped, so the day starts when the clocks jump.
    return { ok: true, ms: placed.transition, note: null };
  }
  // The skipped wall times run from the transition read with the old offset to it read with the new one.
  const from = wallTimeAt(placed.transition + placed.offsetBefore, 'UTC');
  const to = wallTimeAt(placed.transition + placed.offsetAfter, 'UTC');
  return {
    ok: false,
    problem:
      `${dateText} ${timeText} does not exist in ${zone}: that night the clocks jump from ${pad(from.hour)}:${pad(from.minute)} ` +
      `to ${pad(to.hour)}:${pad(to.minute)}. Give a time before the jump or after it`,
  };
}

/** "+01:00" → 3 600 000; null when it is not an offset a zone can have (more than 18 hours, or minutes over 59). */
function parseOffset(text: string): number | null {
  if (/^z$/i.test(text)) return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!match) return null;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? 0);
  if (hours > 18 || minutes > 59 || (hours === 18 && minutes > 0)) return null;
  return (match[1] === '-' ? -1 : 1) * (hours * HOUR + minutes * MINUTE);
}

function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const abs = Math.abs(ms);
  return `${sign}${pad(Math.floor(abs / HOUR))}:${pad(Math.floor((abs % HOUR) / MINUTE))}`;
}

function daysIn(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

const nameFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The zone's short name at that instant: CET, CEST, EST, UTC, BST. Intl knows these per locale
 * (en-US has EST but not CET, en-GB the reverse), so both are asked; where neither has a name the
 * offset is shown as UTC+5:30.
 */
export function zoneAbbreviation(ms: number, zone: string): string {
  return steadyValue(nameCache, ms, zone, intlZoneName);
}

function intlZoneName(ms: number, zone: string): string {
  let numeric = '';
  for (const locale of ['en-US', 'en-GB']) {
    const key = `${locale}|${zone}`;
    let format = nameFormats.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
      nameFormats.set(key, format);
    }
    const name = format.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (name !== '' && !/^(GMT|UTC)[+\-\u2212]/.test(name)) return name;
    numeric ||= name;
  }
  return numeric.replace(/^GMT/, 'UTC').replace('\u2212', '-') || 'UTC';
}

export interface FormatOptions {
  zone: string;
  /** What counts as today (epoch ms). */
  now: number;
  /** `auto` (default): the date only when it is not today; `always`: for columns that must line up. */
  date?: 'auto' | 'always';
  seconds?: boolean;
  /** The month's name in the reader's language: "30 Nov" or "30 nov", "3 May" or "3 mei". */
  lang?: 'nl' | 'en';
}

/** An instant (epoch ms or an ISO string) for people: "22:31 CET", "30 Nov 22:31 CET", "30 Nov 2025 22:31 CET". */
export function formatLocalTime(instant: number | string, { zone, now, date = 'auto', seconds = false, lang = 'en' }: FormatOptions): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant;
  if (Number.isNaN(ms)) return String(instant);
  const wall = wallTimeAt(ms, zone);
  const today = wallTimeAt(now, zone);
  const time = `${pad(wall.hour)}:${pad(wall.minute)}${seconds ? `:${pad(wall.second)}` : ''} ${zoneAbbreviation(ms, zone)}`;
  const sameDay = wall.year === today.year && wall.month === today.month && wall.day === today.day;
  if (sameDay && date === 'auto') return time;
  return `${wall.day} ${(lang === 'nl' ? MONTHS_NL : MONTHS)[wall.month - 1]}${wall.year === today.year ? '' : ` ${wall.year}`} ${time}`;
}

/** A length of time as people say it: "45 s", "12 min", "3 h 20 min", "2 d 4 h" (rounded down to its last unit). */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs < MINUTE) return `${sign}${Math.floor(abs / 1000)} s`;
  if (abs < HOUR) return `${sign}${Math.floor(abs / MINUTE)} min`;
  if (abs < DAY) {
    const minutes = Math.floor((abs % HOUR) / MINUTE);
    return `${sign}${Math.floor(abs / HOUR)} h${minutes ? ` ${minutes} min` : ''}`;
  }
  const hours = Math.floor((abs % DAY) / HOUR);
  return `${sign}${Math.floor(abs / DAY)} d${hours ? ` ${hours} h` : ''}`;
}
