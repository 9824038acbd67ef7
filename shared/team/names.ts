import { BakenError } from '../contract/errors.js';

/**
 * The rules for a team's name, the same wherever a name comes from: typed in the window, given to
 * `team create`, carried by an invite code, or read back from team.json.
 */
export const TEAM_NAME_MAX_CHARS = 80;

/** Why a team name is not acceptable, or null. The name is checked as trimmed. */
export function teamNameProblem(trimmed: string): string | null {
  const chars = [...trimmed].length;
  if (chars < 1) return 'the team name is empty';
  if (chars > TEAM_NAME_MAX_CHARS) return `the team name is longer than ${TEAM_NAME_MAX_CHARS} characters`;
  if (/\p{Cc}/u.test(trimmed)) return 'the team name contains control characters (such as a line break)';
  if (/\p{Cs}/u.test(trimmed)) return 'the team name contains an unpaired surrogate (not valid Unicode text)';
  return null;
}

/** The name trimmed; a BakenError('invalid-input') saying what is wrong when it is not acceptable. */
export function checkedTeamName(name: unknown): string {
  if (typeof name !== 'string') throw new BakenError('invalid-input', 'the team name must be text');
  const trimmed = name.trim();
  const problem = teamNameProblem(trimmed);
  if (problem) throw new BakenError('invalid-input', problem);
  return trimmed;
}

/** A name cut to at most `maxBytes` of UTF-8, on a character (grapheme) boundary, without trailing space. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    const size = encoder.encode(segment).length;
    if (used + size > maxBytes) break;
    out += segment;
    used += size;
  }
  if (out === '') {
    // A single grapheme longer than the limit (many combining marks): cut between code points.
    for (const point of text) {
      const size = encoder.encode(point).length;
      if (used + size > maxBytes) break;
      out += point;
      used += size;
    }
  }
  return out.trimEnd();
}
