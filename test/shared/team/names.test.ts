import { describe, expect, it } from 'vitest';
import { checkedTeamName, TEAM_NAME_MAX_CHARS, teamNameProblem, truncateUtf8 } from '../../../shared/team/names.js';
import { expectBakenError, thrownBy } from '../../support/errors.js';

describe('team names', () => {
  it('teamNameProblem says what is wrong with a trimmed name, or null', () => {
    expect(teamNameProblem('Crisisteam Utrecht')).toBeNull();
    expect(teamNameProblem('🚒'.repeat(TEAM_NAME_MAX_CHARS))).toBeNull();
    expect(teamNameProblem('')).toBe('the team name is empty');
    expect(teamNameProblem('x'.repeat(81))).toBe('the team name is longer than 80 characters');
    expect(teamNameProblem('Team\tUtrecht')).toBe('the team name contains control characters (such as a line break)');
    expect(teamNameProblem('Team \udc00')).toBe('the team name contains an unpaired surrogate (not valid Unicode text)');
  });

  it('checkedTeamName trims, and refuses what is not text or not acceptable', () => {
    expect(checkedTeamName('  Team \n')).toBe('Team');
    expectBakenError(thrownBy(() => checkedTeamName(42)), 'invalid-input', /^the team name must be text$/);
    expectBakenError(thrownBy(() => checkedTeamName(' \t ')), 'invalid-input', /^the team name is empty$/);
  });

  it('truncateUtf8 keeps what fits, cuts between graphemes, and between code points only for one grapheme too long', () => {
    expect(truncateUtf8('Team', 4)).toBe('Team');
    expect(truncateUtf8('ab🇳🇱', 9)).toBe('ab'); // a flag is 8 bytes: never half a flag
    expect(truncateUtf8('ab cd', 3)).toBe('ab');
    const marks = 'e' + '\u0301'.repeat(40); // one grapheme of 81 bytes
    expect(truncateUtf8(marks, 60)).toBe('e' + '\u0301'.repeat(29));
  });
});
