/**
 * A clock difference in words a person reads at a glance: "about 10 years ahead", "about 3 hours
 * behind". Rounded to the largest unit that fits, because the point is how wrong, not by how much
 * to the second.
 */
export function describeSkew(skewMs: number): string {
  const direction = skewMs >= 0 ? 'ahead' : 'behind';
  const ms = Math.abs(skewMs);
  const units: [number, string][] = [
    [365.25 * 24 * 3600_000, 'year'],
    [30 * 24 * 3600_000, 'month'],
    [7 * 24 * 3600_000, 'week'],
    [24 * 3600_000, 'day'],
    [3600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size) {
      const n = Math.round(ms / size);
      return `about ${n} ${name}${n === 1 ? '' : 's'} ${direction}`;
    }
  }
  return `less than a second ${direction}`;
}
