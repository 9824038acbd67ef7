import { z } from 'zod';
import { ACTION_STATUSES, entryIdSchema, incidentIdSchema, isoInstantSchema, PRIORITIES, type ActionStatus, type Priority } from '../domain/kinds.js';
import { classification, line, text } from './fields.js';
import type { AppendedView } from './log.js';
import { method } from './method.js';

/** Actions: who does what by when, and how it went (reported back to whoever issued it). */
export const actionsArea = {
  /** Refused (conflict, field `deadline`) when the deadline has passed, unless `force`: most likely a slip of the date. */
  'action.add': method(
    z.strictObject({
      incident: incidentIdSchema,
      text,
      owner: line,
      issuer: line.optional(),
      priority: z.enum(PRIORITIES).default('AVERAGE'),
      deadline: isoInstantSchema.optional(),
      classification: classification.default('intern'),
      force: z.boolean().default(false),
    }),
  ).returns<AppendedView>(),
  'action.status': method(
    z
      .strictObject({ action: entryIdSchema, status: z.enum(ACTION_STATUSES), reason: text.optional() })
      .refine((b) => b.status !== 'not_done' || b.reason !== undefined, {
        message: 'a reason is required when an action is not done, so the issuer learns why',
        path: ['reason'],
      }),
  ).returns<AppendedView>(),
  'action.list': method(z.strictObject({ incident: incidentIdSchema })).returns<ActionView[]>(),
};

export interface ActionView {
  id: string;
  text: string;
  owner: string;
  issuer: string;
  priority: Priority;
  deadline: string | null;
  status: ActionStatus;
  statusReason: string | null;
  overdue: boolean;
  corrected: boolean;
}
