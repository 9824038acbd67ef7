import type { ActionView } from '../../../shared/contract/actions.js';
import type { PartyInput } from '../../../shared/contract/fields.js';
import type { ActionViewStatus, IncidentState } from '../../../shared/domain/derive.js';
import type { Party } from '../../../shared/domain/kinds.js';
import { partyText, type Directory } from '../../../shared/domain/people.js';
import type { Resolver } from './resolve.js';

/** An incident's actions as the API shows them: with the names of who owns, issued and changed each. */
export function actionViews(state: IncidentState, directory: Directory): ActionView[] {
  return state.actions.map((a) => ({
    id: a.entryId, incident: state.incidentId, incidentTitle: state.incident?.title ?? null, text: a.text,
    owner: a.owner, ownerParty: a.ownerParty, ownerLabel: directory.party(a.ownerParty, a.owner),
    issuer: a.issuer, issuerParty: a.issuerParty, issuerLabel: a.issuedByWriter ? directory.writer(a.author, a.operator) : directory.party(a.issuerParty, a.issuer),
    priority: a.priority, deadline: a.deadline, status: a.status, statusReason: a.statusReason, overdue: a.overdue, corrected: a.corrected,
    at: a.at, happenedAt: a.happenedAt, when: a.when, author: a.author, operator: a.operator, writer: directory.writer(a.author, a.operator),
    history: a.history.map((event) => ({ ...event, writer: directory.writer(event.author, event.operator) })),
  }));
}

export interface ActionFilter {
  owner?: string | undefined;
  status?: ActionViewStatus | undefined;
  overdue: boolean;
}

export function matchesFilter(view: ActionView, filter: ActionFilter): boolean {
  if (filter.status !== undefined && view.status !== filter.status) return false;
  if (filter.overdue && !view.overdue) return false;
  return filter.owner === undefined || ownerMatches(view, filter.owner);
}

/**
 * Whether the owner is the one asked for: its text, its address or its directory name contains
 * what was typed (case and accents aside), or its device key starts with it.
 */
function ownerMatches(view: ActionView, query: string): boolean {
  const wanted = folded(query);
  const party = view.ownerParty ?? {};
  if (party.author !== undefined && /^[0-9a-f]{6,}$/.test(wanted) && party.author.startsWith(wanted)) return true;
  const texts = [view.owner, view.ownerLabel, party.person, party.organisation, party.team, party.discipline, party.function];
  return texts.some((t) => t !== undefined && folded(t).includes(wanted));
}

function folded(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * An owner or issuer as the body stores it, from what was typed: the device named by a start of its
 * key becomes its whole key; the text, when none was typed, is the directory's name for the device
 * (with the person at it), else the address.
 */
export function partyFrom(input: PartyInput, field: string, resolve: Resolver, directory: Directory): { party: Party; text: string } {
  const author = input.device === undefined ? undefined : resolve.author(input.device, `${field}.device`);
  const party: Party = Object.fromEntries(
    Object.entries({ author, person: input.person, organisation: input.organisation, team: input.team, discipline: input.discipline, function: input.function }).filter(([, v]) => v !== undefined),
  );
  return { party, text: author === undefined ? partyText(party) : directory.writer(author, input.person ?? null) };
}
