import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkZone, formatDuration, formatLocalTime, parseLocalTime, wallTimeAt, zoneAbbreviation } from '../../shared/time/local-time.js';

const AMS = 'Europe/Amsterdam';
const NY = 'America/New_York';
const at = (iso: string) => Date.parse(iso);

/** The instant a text means, as UTC ISO; throws with the problem when it is refused. */
function read(text: string, zone: string, now = at('2026-11-30T12:00:00Z')): string {
  const result = parseLocalTime(text, { zone, now });
  if (!result.ok) throw new Error(result.problem);
  return new Date(result.ms).toISOString();
}

function problem(text: string, zone: string, now = at('2026-11-30T12:00:00Z')): string {
  const result = parseLocalTime(text, { zone, now });
  if (result.ok) throw new Error(`${text} was accepted as ${new Date(result.ms).toISOString()}`);
  return result.problem;
}

describe('reading a time a person typed, in a zone', () => {
  it('reads a date and time in the zone, winter and summer, with T or spaces, seconds and milliseconds', () => {
    expect(read('2026-12-01T23:30', AMS)).toBe('2026-12-01T22:30:00.000Z');
    expect(read('2026-12-01 23:30', AMS)).toBe('2026-12-01T22:30:00.000Z');
    expect(read('  2026-12-01   23:30 ', AMS)).toBe('2026-12-01T22:30:00.000Z');
    expect(read('2026-07-01 23:30', AMS)).toBe('2026-07-01T21:30:00.000Z');
    expect(read('2026-12-01 9:05:07.5', AMS)).toBe('2026-12-01T08:05:07.500Z');
    expect(read('2026-12-01 23:30', NY)).toBe('2026-12-02T04:30:00.000Z');
    expect(read('2026-07-01 23:30', NY)).toBe('2026-07-02T03:30:00.000Z');
    expect(read('2026-12-01 23:30', 'UTC')).toBe('2026-12-01T23:30:00.000Z');
  });

  it('reads a time alone as today in the zone, which need not be today in UTC', () => {
    // 23:45 CET on 30 November.
    expect(read('23:30', AMS, at('2026-11-30T22:45:00Z'))).toBe('2026-11-30T22:30:00.000Z');
    // 00:30 CET on 1 December, while UTC still has 30 November.
    expect(read('14:05', AMS, at('2026-11-30T23:30:00Z'))).toBe('2026-12-01T13:05:00.000Z');
    // 22:00 EST on 30 November, while UTC already has 1 December.
    expect(read('23:30', NY, at('2026-12-01T03:00:00Z'))).toBe('2026-12-01T04:30:00.000Z');
    expect(read('23:30', 'UTC', at('2026-12-01T03:00:00Z'))).toBe('2026-12-01T23:30:00.000Z');
  });

  it('reads a date alone as the start of that day in the zone', () => {
    expect(read('2026-12-01', AMS)).toBe('2026-11-30T23:00:00.000Z');
    expect(read('2026-07-01', AMS)).toBe('2026-06-30T22:00:00.000Z');
    expect(read('2026-12-01', NY)).toBe('2026-12-01T05:00:00.000Z');
    expect(read('2026-12-01', 'UTC')).toBe('2026-12-01T00:00:00.000Z');
    // São Paulo began summer time at midnight in 2018: that day started at 01:00.
    expect(read('2018-11-04', 'America/Sao_Paulo')).toBe('2018-11-04T03:00:00.000Z');
    expect(problem('2018-11-04 00:30', 'America/Sao_Paulo')).toMatch(/does not exist .* jump from 00:00 to 01:00/);
  });

  it('takes an explicit offset or Z over the zone, in every spelling', () => {
    for (const text of ['2026-12-01T23:30+01:00', '2026-12-01T23:30+0100', '2026-12-01 23:30+01', '2026-12-01 23:30 +01:00', '2026-12-01T22:30Z', '2026-12-01t22:30z']) {
      expect(read(text, NY), text).toBe('2026-12-01T22:30:00.000Z');
    }
    expect(read('2026-12-01T17:30-05:00', AMS)).toBe('2026-12-01T22:30:00.000Z');
    expect(read('2026-12-01Z', AMS)).toBe('2026-12-01T00:00:00.000Z');
    // A time alone with an offset: today as that offset's clock has it.
    expect(read('01:00+01:00', AMS, at('2026-11-30T23:30:00Z'))).toBe('2026-12-01T00:00:00.000Z');
  });

  it('refuses a time the clocks skip, saying which times were skipped (Amsterdam and New York, spring)', () => {
    expect(problem('2026-03-29 02:30', AMS)).toBe('2026-03-29 02:30 does not exist in Europe/Amsterdam: that night the clocks jump from 02:00 to 03:00. Give a time before the jump or after it');
    expect(problem('2026-03-29 02:00', AMS)).toMatch(/does not exist/);
    expect(read('2026-03-29 01:59', AMS)).toBe('2026-03-29T00:59:00.000Z');
    expect(read('2026-03-29 03:00', AMS)).toBe('2026-03-29T01:00:00.000Z');
    expect(problem('2026-03-08 02:15', NY)).toBe('2026-03-08 02:15 does not exist in America/New_York: that night the clocks jump from 02:00 to 03:00. Give a time before the jump or after it');
    expect(problem('02:30', AMS, at('2026-03-29T00:10:00Z'))).toMatch(/^2026-03-29 02:30 does not exist/);
  });

  it('takes the first of a time the clocks pass twice (autumn), says so and how to write the second', () => {
    const first = parseLocalTime('2026-10-25 02:30', { zone: AMS, now: 0 });
    expect(first).toEqual({
      ok: true,
      ms: at('2026-10-25T00:30:00Z'),
      note: '02:30 happens twice in Europe/Amsterdam on 2026-10-25 (the clocks go back that night); taken as the first, 02:30 CEST. For the second, give 2026-10-25 02:30+01:00',
    });
    expect(read('2026-10-25 02:30+01:00', AMS)).toBe('2026-10-25T01:30:00.000Z');
    const ny = parseLocalTime('2026-11-01 01:30', { zone: NY, now: 0 });
    expect(ny.ok && new Date(ny.ms).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(ny.ok && ny.note).toMatch(/taken as the first, 01:30 EDT\. For the second, give 2026-11-01 01:30-05:00$/);
    expect(parseLocalTime('2026-10-25 03:00', { zone: AMS, now: 0 })).toEqual({ ok: true, ms: at('2026-10-25T02:00:00Z'), note: null });
  });

  it('refuses what is not a date, a time or an offset, in plain words', () => {
    expect(problem('morgen', AMS)).toBe('"morgen" is not a time: give a time like 14:05 (today), a date and time like 2026-11-22 14:05, or a date like 2026-11-22 (midnight)');
    expect(problem('', AMS)).toMatch(/is not a time/);
    expect(problem('2026-02-30', AMS)).toBe('2026-02-30 is not a date on the calendar');
    expect(problem('2026-13-01 10:00', AMS)).toBe('2026-13-01 is not a date on the calendar');
    expect(read('2028-02-29', 'UTC')).toBe('2028-02-29T00:00:00.000Z');
    expect(problem('2100-02-29', 'UTC')).toMatch(/not a date/);
    expect(problem('24:00', AMS)).toBe('24:00 is not a time of day (00:00 to 23:59)');
    expect(problem('12:60', AMS)).toMatch(/not a time of day/);
    expect(problem('2026-12-01T23:30+19:00', AMS)).toMatch(/"\+19:00" .* is not a UTC offset/);
    expect(problem('2026-12-01 23:30 CET', AMS)).toMatch(/is not a time/);
    expect(problem('1/12/2026', AMS)).toMatch(/is not a time/);
  });

  it('reads back every instant from its own wall time, the second of a doubled hour as its first (property)', () => {
    const from = at('2024-01-01T00:00:00Z');
    const to = at('2030-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: from / 1000, max: to / 1000 }), fc.constantFrom(AMS, NY, 'UTC', 'Australia/Lord_Howe'), (seconds, zone) => {
        const ms = seconds * 1000;
        const w = wallTimeAt(ms, zone);
        const text = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')} ${w.hour}:${String(w.minute).padStart(2, '0')}:${String(w.second).padStart(2, '0')}`;
        const result = parseLocalTime(text, { zone, now: ms });
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const back = wallTimeAt(result.ms, zone);
        expect({ ...back, offsetMs: 0 }).toEqual({ ...w, offsetMs: 0 });
        expect(result.ms <= ms).toBe(true);
        if (result.ms !== ms) expect(result.note).toMatch(/happens twice/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('time zones', () => {
  it('takes IANA names in any case and with the leading colon TZ allows, refusing unknown ones', () => {
    expect(checkZone('europe/amsterdam')).toEqual({ ok: true, zone: 'Europe/Amsterdam' });
    expect(checkZone(':America/New_York')).toEqual({ ok: true, zone: 'America/New_York' });
    expect(checkZone('UTC')).toEqual({ ok: true, zone: 'UTC' });
    expect(checkZone('Europe/Amsterdm')).toEqual({ ok: false, problem: '"Europe/Amsterdm" is not a time zone this system knows; give a name like Europe/Amsterdam, UTC or America/New_York' });
    expect(checkZone(' ')).toMatchObject({ ok: false });
  });

  it('names the zone as people know it, or by its offset where it has no abbreviation', () => {
    expect(zoneAbbreviation(at('2026-01-15T12:00:00Z'), AMS)).toBe('CET');
    expect(zoneAbbreviation(at('2026-07-15T12:00:00Z'), AMS)).toBe('CEST');
    expect(zoneAbbreviation(at('2026-01-15T12:00:00Z'), NY)).toBe('EST');
    expect(zoneAbbreviation(at('2026-07-15T12:00:00Z'), NY)).toBe('EDT');
    expect(zoneAbbreviation(at('2026-07-15T12:00:00Z'), 'UTC')).toBe('UTC');
    expect(zoneAbbreviation(at('2026-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe('UTC+5:30');
  });
});

describe('showing an instant to people', () => {
  const now = at('2026-11-30T21:40:00Z'); // 22:40 CET, 16:40 EST

  it('shows the time alone when it is today in the zone, with the day and month otherwise, and the year when not this one', () => {
    expect(formatLocalTime(at('2026-11-30T21:31:00Z'), { zone: AMS, now })).toBe('22:31 CET');
    expect(formatLocalTime('2026-11-30T21:31:00.000Z', { zone: AMS, now })).toBe('22:31 CET');
    expect(formatLocalTime(at('2026-11-30T23:10:00Z'), { zone: AMS, now })).toBe('1 Dec 00:10 CET');
    expect(formatLocalTime(at('2026-07-04T08:00:00Z'), { zone: AMS, now })).toBe('4 Jul 10:00 CEST');
    expect(formatLocalTime(at('2025-11-30T21:31:00Z'), { zone: AMS, now })).toBe('30 Nov 2025 22:31 CET');
    expect(formatLocalTime(at('2026-11-30T21:31:00Z'), { zone: NY, now })).toBe('16:31 EST');
    expect(formatLocalTime(at('2026-12-01T03:00:00Z'), { zone: NY, now })).toBe('22:00 EST');
    expect(formatLocalTime(at('2026-11-30T21:31:00Z'), { zone: 'UTC', now })).toBe('21:31 UTC');
  });

  it('shows the date always when asked (columns), and seconds when asked', () => {
    expect(formatLocalTime(at('2026-11-30T21:31:05Z'), { zone: AMS, now, date: 'always' })).toBe('30 Nov 22:31 CET');
    expect(formatLocalTime(at('2026-11-30T21:31:05Z'), { zone: AMS, now, seconds: true })).toBe('22:31:05 CET');
  });

  it('tells apart the two 02:30s of the night the clocks go back', () => {
    const night = at('2026-10-25T12:00:00Z');
    expect(formatLocalTime(at('2026-10-25T00:30:00Z'), { zone: AMS, now: night })).toBe('02:30 CEST');
    expect(formatLocalTime(at('2026-10-25T01:30:00Z'), { zone: AMS, now: night })).toBe('02:30 CET');
  });

  it('says a length of time as people do', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(59_999)).toBe('59 s');
    expect(formatDuration(12 * 60_000 + 5000)).toBe('12 min');
    expect(formatDuration(3 * 3_600_000)).toBe('3 h');
    expect(formatDuration(3 * 3_600_000 + 20 * 60_000)).toBe('3 h 20 min');
    expect(formatDuration(2 * 86_400_000 + 4 * 3_600_000)).toBe('2 d 4 h');
    expect(formatDuration(-90_000)).toBe('-1 min');
  });
});

describe('wallTimeAt and zoneAbbreviation remembered per quarter hour', () => {
  /** What Intl says directly, without any remembering. */
  function direct(ms: number, zone: string) {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(ms);
    const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    return { year: n('year'), month: n('month'), day: n('day'), hour: n('hour'), minute: n('minute'), second: n('second') };
  }

  it('agrees with Intl every minute around a change of the clocks, and around changes inside a quarter hour', () => {
    const zones = ['Europe/Amsterdam', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Europe/Dublin'];
    // Dublin 1916-05-21 02:25:21 UTC and Kolkata 1905-12-31 18:38:50 UTC change the clocks inside a quarter hour.
    const around = [Date.UTC(2026, 2, 29, 1, 0), Date.UTC(2026, 9, 25, 1, 0), Date.UTC(2026, 10, 1, 6, 0), Date.UTC(1916, 4, 21, 2, 25), Date.UTC(1905, 11, 31, 18, 38)];
    for (const zone of zones) {
      for (const start of around) {
        for (let ms = start - 3_600_000; ms <= start + 3_600_000; ms += 20_000 + 7) {
          const { offsetMs: _offset, ms: _millis, ...wall } = wallTimeAt(ms, zone);
          expect(wall, `${zone} ${new Date(ms).toISOString()}`).toEqual(direct(ms, zone));
        }
      }
    }
    expect(zoneAbbreviation(Date.UTC(2026, 9, 25, 0, 59), 'Europe/Amsterdam')).toBe('CEST');
    expect(zoneAbbreviation(Date.UTC(2026, 9, 25, 1, 0), 'Europe/Amsterdam')).toBe('CET');
  });
});
