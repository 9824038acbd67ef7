import { CLASSES, CLASSIFICATION_FLAG, defineCommand, instantFlag, intFlag, oneOf, optionalFlag, positional, requiredFlag } from '../command.js';
import { incidentLine, listOr } from '../format.js';

export const incidentCreate = defineCommand({
  path: ['incident', 'create'],
  summary: 'Open an incident (activiteit)',
  flags: {
    title: { type: 'string', value: 'TEXT', description: 'what the incident is called', required: true },
    location: { type: 'string', value: 'TEXT', description: 'where it is' },
    start: { type: 'string', value: 'ISO', description: 'when it started (default now)' },
    grip: { type: 'string', value: '0-5', description: 'initial GRIP level' },
    class: CLASSIFICATION_FLAG,
  },
  examples: ['baken incident create --title "Stroomstoring Eindhoven" --location "Eindhoven Airport" --grip 1'],
  async run(ctx) {
    const result = await ctx.backend().api['incident.create']({
      title: requiredFlag(ctx, 'title'), location: optionalFlag(ctx, 'location'), start: instantFlag(ctx, 'start'),
      grip: intFlag(ctx, 'grip', 0, 5), classification: oneOf(ctx, 'class', CLASSES),
    });
    return { id: result.id, entry: result.entry.id, seq: result.entry.seq };
  },
  human: (r) => r.id,
});

export const incidentList = defineCommand({
  path: ['incident', 'list'],
  summary: 'List the incidents in this log, newest first',
  async run(ctx) {
    return ctx.backend().api['incident.list']({});
  },
  human: (r) => listOr(r.map(incidentLine), 'No incidents yet.'),
});

export const incidentShow = defineCommand({
  path: ['incident', 'show'],
  summary: 'Show an incident\'s derived state: GRIP history, decisions, actions, corrections',
  positionals: [{ name: 'INCIDENT_ID', description: 'the incident' }],
  async run(ctx) {
    return ctx.backend().api['incident.state']({ incident: positional(ctx, 0, 'INCIDENT_ID') });
  },
  human: (s) =>
    [
      `${s.incident?.title ?? '(opening entry not yet received)'}${s.incident?.location ? ` — ${s.incident.location}` : ''}`,
      `GRIP ${s.grip.level ?? '-'}  (history: ${s.grip.history.map((g) => g.level).join(' → ') || 'none'})`,
      `Decisions: ${s.decisions.length}`,
      ...s.decisions.map((d) => `  - ${d.text}${d.corrected ? ' (corrected)' : ''}`),
      `Actions: ${s.actions.length}`,
      ...s.actions.map((a) => `  - [${a.status}${a.overdue ? ', OVERDUE' : ''}] ${a.text} (owner ${a.owner}, ${a.priority})`),
      ...(s.forkedAuthors.length ? [`Forked authors: ${s.forkedAuthors.join(', ')}`] : []),
    ].join('\n'),
});
