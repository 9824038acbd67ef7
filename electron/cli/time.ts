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

/** The zone to use: --tz, else $TZ, else the system's; a name no zone has is refused, saying where it came from. */
export function chooseZone(flag: string | undefined, env: NodeJS.ProcessEnv): { ok: true; zone: string } | { ok: false; problem: string } {
  if (flag !== undefined) {
    const checked = checkZone(flag);
    return checked.ok ? checked : { ok: false, problem: `--tz: ${checked.problem}` };
  }
  const fromEnv = env.TZ;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const checked = checkZone(fromEnv);
    return checked.ok ? checked : { ok: false, problem: `the time zone in $TZ: ${checked.problem}; or give --tz ZONE` };
  }
  return { ok: true, zone: systemZone() };
}
