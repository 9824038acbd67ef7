import { CLASSES, CLASSIFICATION_FLAG, defineCommand, instantFlag, intFlag, oneOf, optionalFlag, positional, requiredFlag, UsageError } from '../command.js';
import { incidentLine, incidentStateText, listOr } from '../format.js';

export const incidentCreate = defineCommand({
  path: ['incident', 'create'],
  summary: 'Open an incident (activiteit)',
  flags: {
    title: { type: 'string', value: 'TEXT', description: 'what the incident is called', required: true },
    location: { type: 'string', value: 'TEXT', description: 'where it is' },
    start: { type: 'string', value: 'TIME', description: 'when it started (default now): 14:05 (today), 2026-11-22 14:05, or 2026-11-22 (midnight), in --tz' },
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
  summary: 'Show an incident\'s derived state: title and its changes, GRIP history, decisions, actions, entries not applied',
  positionals: [{ name: 'INCIDENT_ID', description: 'the incident' }],
  async run(ctx) {
    return ctx.backend().api['incident.state']({ incident: positional(ctx, 0, 'INCIDENT_ID') });
  },
  human: incidentStateText,
});

export const incidentUpdate = defineCommand({
  path: ['incident', 'update'],
  summary: 'Change an incident\'s title or location: a signed entry its history shows (nothing is edited)',
  positionals: [{ name: 'INCIDENT_ID', description: 'the incident' }],
  flags: {
    title: { type: 'string', value: 'TEXT', description: 'the new title' },
    location: { type: 'string', value: 'TEXT', description: 'the new location' },
    reason: { type: 'string', value: 'TEXT', description: 'why it changes', required: true },
    class: CLASSIFICATION_FLAG,
  },
  examples: ['baken incident update ID --title "Uitval NAFIN en C2000" --reason "Ook C2000 getroffen"'],
  async run(ctx) {
    const title = optionalFlag(ctx, 'title');
    const location = optionalFlag(ctx, 'location');
    if (title === undefined && location === undefined) throw new UsageError('give --title, --location or both');
    const appended = await ctx.backend().api['incident.update']({
      incident: positional(ctx, 0, 'INCIDENT_ID'), title, location, reason: requiredFlag(ctx, 'reason'), classification: oneOf(ctx, 'class', CLASSES),
    });
    return { id: appended.id, seq: appended.seq };
  },
  human: (r) => r.id,
});
