import { useTranslation } from 'react-i18next';
import type { IncidentActivityView } from '../../../shared/contract/log.js';
import { GRIP_LEVELS } from '../../../shared/domain/kinds.js';
import { KIND_LABELS } from '../../../shared/present/words.js';
import { useSession } from '../app/session.js';
import { timeText } from '../lib/presenter.js';

/*
 * Two small charts drawn as SVG by hand: a charting library would add far more to the window's
 * first load than these few shapes, and neither chart is interactive. Each has a text equivalent
 * (its aria-label, and the GRIP history list and hour table beside it) for screen readers.
 */

const HOUR = 3_600_000;
/** The chart shows the last day of activity: enough for a shift handover, readable at 1280×800. */
const HOURS_SHOWN = 24;
/** Kinds with a colour of their own; everything else is "other". Colours keep 3:1 against white (WCAG 1.4.11). */
const KIND_COLOURS: [string, string][] = [
  ['melding', '#0b4f8a'],
  ['beeld', '#1d6b36'],
  ['oordeel', '#8a4b00'],
  ['besluit', '#6a1b9a'],
  ['knelpunt', '#a3161b'],
  ['communicatie', '#00707a'],
  ['actie', '#4f5966'],
];
const OTHER_COLOUR = '#767f8c';
const GROUPED = new Set(KIND_COLOURS.map(([kind]) => kind));

/** An action's status, reassignment or deadline counts as action work; a knelpunt's status as the knelpunt's. */
function groupOf(kind: string): string {
  if (kind.startsWith('actie')) return 'actie';
  if (kind.startsWith('knelpunt')) return 'knelpunt';
  return GROUPED.has(kind) ? kind : 'other';
}

export function GripChart({ history, start, now }: { history: { when: string; level: number }[]; start: string | null; now: number }) {
  const { t } = useTranslation();
  const { lang } = useSession();
  if (history.length === 0) return null;
  const from = Math.min(Date.parse(start ?? history[0]!.when), Date.parse(history[0]!.when));
  const to = Math.max(now, Date.parse(history.at(-1)!.when) + 60_000);
  const W = 560, H = 150, left = 56, right = 12, top = 10, bottom = 26;
  const x = (ms: number) => left + ((ms - from) / Math.max(1, to - from)) * (W - left - right);
  const top5 = GRIP_LEVELS.at(-1)!;
  const y = (level: number) => top + (1 - level / top5) * (H - top - bottom);
  let d = '';
  history.forEach((g, i) => {
    const at = x(Date.parse(g.when));
    const until = i + 1 < history.length ? x(Date.parse(history[i + 1]!.when)) : x(to);
    d += `${i === 0 ? 'M' : 'L'}${at.toFixed(1)},${y(g.level).toFixed(1)} H${until.toFixed(1)} `;
  });
  const summary = t('overview.gripChart', { levels: history.map((g) => g.level).join(' → '), now: history.at(-1)!.level });
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
      {GRIP_LEVELS.map((level) => (
        <g key={level}>
          <line x1={left} x2={W - right} y1={y(level)} y2={y(level)} className="chart-grid" />
          <text x={left - 6} y={y(level) + 4} textAnchor="end" className="chart-label">GRIP {level}</text>
        </g>
      ))}
      <path d={d} className="chart-step" />
      {history.map((g) => <circle key={g.when} cx={x(Date.parse(g.when))} cy={y(g.level)} r={3.5} className="chart-dot" />)}
      <text x={left} y={H - 6} className="chart-label">{timeText(new Date(from).toISOString(), lang)}</text>
      <text x={W - right} y={H - 6} textAnchor="end" className="chart-label">{timeText(new Date(to).toISOString(), lang)}</text>
    </svg>
  );
}

export function ActivityChart({ activity }: { activity: IncidentActivityView }) {
  const { t } = useTranslation();
  const { lang } = useSession();
  if (activity.hours.length === 0) return <p className="empty">{t('overview.noneYet')}</p>;
  const last = Date.parse(activity.hours.at(-1)!.start);
  // Always the same span, so a bar's width means an hour whatever the incident's age.
  const first = last - (HOURS_SHOWN - 1) * HOUR;
  const byStart = new Map(activity.hours.map((h) => [Date.parse(h.start), h.kinds]));
  const bars: { start: number; parts: { colour: string; kind: string; n: number }[]; total: number }[] = [];
  for (let start = first; start <= last; start += HOUR) {
    const counts = new Map<string, number>();
    for (const [kind, n] of Object.entries(byStart.get(start) ?? {})) counts.set(groupOf(kind), (counts.get(groupOf(kind)) ?? 0) + n);
    const parts = [...KIND_COLOURS, ['other', OTHER_COLOUR] as [string, string]].map(([kind, colour]) => ({ kind, colour, n: counts.get(kind) ?? 0 }));
    bars.push({ start, parts, total: parts.reduce((s, p) => s + p.n, 0) });
  }
  const most = Math.max(1, ...bars.map((b) => b.total));
  const W = 560, H = 170, left = 36, right = 8, top = 10, bottom = 26;
  const slot = (W - left - right) / bars.length;
  const h = (n: number) => (n / most) * (H - top - bottom);
  const busiest = bars.reduce((a, b) => (b.total > a.total ? b : a));
  const hourText = (ms: number) => timeText(new Date(ms).toISOString(), lang);
  const kindName = (kind: string) => (kind === 'other' ? t('overview.otherKinds') : KIND_LABELS[lang][kind] ?? kind);
  return (
    <>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('overview.activityChart', { hours: bars.length, most: busiest.total, at: hourText(busiest.start) })}>
        <line x1={left} x2={W - right} y1={H - bottom} y2={H - bottom} className="chart-axis" />
        <text x={left - 6} y={top + 8} textAnchor="end" className="chart-label">{most}</text>
        <text x={left - 6} y={H - bottom} textAnchor="end" className="chart-label">0</text>
        {bars.map((b, i) => {
          let base = H - bottom;
          return (
            <g key={b.start}>
              {b.parts.filter((p) => p.n > 0).map((p) => {
                const height = h(p.n);
                base -= height;
                return <rect key={p.kind} x={left + i * slot + 1} y={base} width={Math.max(1, slot - 2)} height={height} fill={p.colour} />;
              })}
            </g>
          );
        })}
        <text x={left} y={H - 6} className="chart-label">{hourText(bars[0]!.start)}</text>
        <text x={W - right} y={H - 6} textAnchor="end" className="chart-label">{hourText(bars.at(-1)!.start)}</text>
      </svg>
      <ul className="legend" aria-hidden="true">
        {[...KIND_COLOURS, ['other', OTHER_COLOUR] as [string, string]].map(([kind, colour]) => (
          <li key={kind}><span className="swatch" style={{ background: colour }} /> {kindName(kind)}</li>
        ))}
      </ul>
      <details>
        <summary>{t('overview.asTable')}</summary>
        <table className="table compact">
          <thead>
            <tr><th scope="col">{t('overview.hour')}</th>{bars[0]!.parts.map((p) => <th scope="col" key={p.kind} className="num">{kindName(p.kind)}</th>)}</tr>
          </thead>
          <tbody>
            {bars.filter((b) => b.total > 0).map((b) => (
              <tr key={b.start}><th scope="row">{hourText(b.start)}</th>{b.parts.map((p) => <td key={p.kind} className="num">{p.n}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
