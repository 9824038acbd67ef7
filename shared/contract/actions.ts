import { z } from 'zod';
import { ACTION_VIEW_STATUSES, type ActionEvent, type ActionViewStatus } from '../domain/derive-actions.js';
import type { Hlc } from '../domain/hlc.js';
import { ACTION_STATUSES, isoInstantSchema, MAX_LINE, PRIORITIES, type Party, type Priority } from '../domain/kinds.js';
import { classification, entryRef, incidentRef, line, party, text, whoWhen } from './fields.js';
import type { AppendedView } from './log.js';
import { method } from './method.js';

const ownerGiven = { message: 'give the owner: as text, as an address (ownerParty) or both', path: ['owner'] };

/** Actions: who does what by when, and how it went (reported back to whoever issued it). */
export const actionsArea = {
  /**
   * Refused (conflict, field `deadline`) when the deadline has passed, unless `force`: most likely a slip of the date.
   * `owner` is the owner as text; with only `ownerParty`, the text is made from the address (or the directory's name for a device).
   */
  'action.add': method(
    z
      .strictObject({
        incident: incidentRef,
        text,
        owner: line.optional(),
        ownerParty: party.optional(),
        issuer: line.optional(),
        issuerParty: party.optional(),
        priority: z.enum(PRIORITIES).default('AVERAGE'),
        deadline: isoInstantSchema.optional(),
        classification: classification.default('intern'),
        force: z.boolean().default(false),
        ...whoWhen,
      })
      .refine((b) => b.owner !== undefined || b.ownerParty !== undefined, ownerGiven),
  ).returns<AppendedView>(),
  'action.status': method(
    z
      .strictObject({ action: entryRef, status: z.enum(ACTION_STATUSES), reason: text.optional(), ...whoWhen })
      .refine((b) => b.status !== 'not_done' || b.reason !== undefined, {
        message: 'a reason is required when an action is not done, so the issuer learns why',
        path: ['reason'],
      }),
  ).returns<AppendedView>(),
  /** Gives the action to another owner, with why; the issuer sees it in the action's history. */
  'action.reassign': method(
    z.strictObject({ action: entryRef, owner: line.optional(), ownerParty: party.optional(), reason: text, ...whoWhen }).refine((b) => b.owner !== undefined || b.ownerParty !== undefined, ownerGiven),
  ).returns<AppendedView>(),
  /** Gives the action a new deadline, with why. */
  'action.deadline': method(z.strictObject({ action: entryRef, deadline: isoInstantSchema, reason: text, ...whoWhen })).returns<AppendedView>(),
  /** Withdraws the action, with why: it is no longer to be done, whatever is reported after. */
  'action.withdraw': method(z.strictObject({ action: entryRef, reason: text, ...whoWhen })).returns<AppendedView>(),
  /**
   * One incident's actions, or every incident's (`allIncidents`), in log order; `owner` keeps those
   * whose owner's text, address or directory name contains it (case and accents do not matter).
   */
  'action.list': method(
    z
      .strictObject({
        incident: incidentRef.optional(),
        allIncidents: z.boolean().default(false),
        owner: z.string().trim().min(1, 'must not be empty').max(MAX_LINE).optional(),
        status: z.enum(ACTION_VIEW_STATUSES).optional(),
        overdue: z.boolean().default(false),
      })
      .refine((b) => (b.incident !== undefined) !== b.allIncidents, { message: 'give one incident, or allIncidents', path: ['incident'] }),
  ).returns<ActionView[]>(),
};

export interface ActionView {
  id: string;
  incident: string;
  /** The incident's title now; null while its opening entry has not arrived. */
  incidentTitle: string | null;
  text: string;
  /** The owner now, as written; `ownerLabel` is what to show (a directory person's name where the owner is one). */
  owner: string;
  ownerParty: Party | null;
  ownerLabel: string;
  issuer: string;
  issuerParty: Party | null;
  issuerLabel: string;
  priority: Priority;
  deadline: string | null;
  status: ActionViewStatus;
  statusReason: string | null;
  overdue: boolean;
  corrected: boolean;
  /** When it was logged (the order), when it happened if said, and the one to go by. */
  at: Hlc;
  happenedAt: string | null;
  when: string;
  author: string;
  operator: string | null;
  /** Who issued it in writing, as a person reads it. */
  writer: string;
  /** Every status, reassignment, new deadline and withdrawal, in log order, each with who wrote it. */
  history: (ActionEvent & { writer: string })[];
}
