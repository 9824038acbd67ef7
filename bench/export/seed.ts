import type { Backend } from '../../electron/backend/index.js';
import type { Classification } from '../../shared/domain/kinds.js';
import { OWNERS, SOURCES, situationText } from '../lib/dutch.js';
import type { Random } from '../lib/random.js';

/**
 * An incident's log as a crisis team writes it over a long shift: mostly meldingen and beelden,
 * some knelpunten, oordelen, besluiten and communicatie, actions with status reports, a few GRIP
 * changes and corrections; classifications mixed. Everything goes through the API contract
 * (sign, validate, durable commit per entry), as the app writes it.
 */

export interface SeedCounts {
  melding: number;
  beeld: number;
  knelpunt: number;
  oordeel: number;
  besluit: number;
  communicatie: number;
  actie: number;
  actiestatus: number;
  grip: number;
  correctie: number;
}

export interface SeedLog {
  /** Entries written so far, by kind (the incident's opening entry and the profile not counted). */
  counts: SeedCounts;
  /** Meldingen nobody corrected, oldest first: what a team leaves out of a report first. */
  plainMeldingen: string[];
  /** Writes `count` more entries; `advance` moves the backend's clock on before each one. */
  write(count: number, advance: () => void): Promise<void>;
}

const TASKS = [
  'Regel een aggregaat voor', 'Zorg voor opvang van bewoners', 'Informeer de burgemeester over de situatie', 'Stel een afzetting in',
  'Vraag extra ambulances aan voor', 'Bereid een evacuatie voor van', 'Regel drinkwater voor', 'Controleer de noodstroom',
  'Stem de berichtgeving af over', 'Breng de kwetsbare personen in kaart',
];
const NOT_DONE = ['Geen capaciteit beschikbaar in de regio.', 'De locatie is niet bereikbaar door wateroverlast.', 'Overbodig geworden door herstel van de stroom.'];
const JUDGEMENTS = ['Verwachting: de situatie duurt nog zeker zes uur.', 'Risico op escalatie is beperkt.', 'Inschatting: de zorgcontinuïteit komt in gevaar.'];

export function createSeedLog(api: Backend['api'], incident: string, random: Random, startGrip: number): SeedLog {
  const counts: SeedCounts = { melding: 0, beeld: 0, knelpunt: 0, oordeel: 0, besluit: 0, communicatie: 0, actie: 0, actiestatus: 0, grip: 0, correctie: 0 };
  const plainMeldingen: string[] = [];
  const corrected = new Set<string>();
  const correctable: string[] = [];
  const actions: { id: string; status: 'open' | 'in_progress' | 'done' | 'not_done' }[] = [];
  let grip = startGrip;

  const classification = (): Classification => {
    const r = random.next();
    return r < 0.5 ? 'intern' : r < 0.85 ? 'partner' : 'openbaar';
  };

  /** 50 to 300 characters: a short first sentence, a usual entry, or a long one of two. */
  const entryText = (): string => {
    const r = random.next();
    if (r < 0.2) {
      const first = `${situationText(random).split('. ')[0]!}.`;
      return first.length >= 50 ? first : `${first} Situatie wordt gemonitord.`;
    }
    if (r < 0.8) return situationText(random);
    const long = `${situationText(random)} ${situationText(random)}`;
    return long.length <= 300 ? long : `${long.slice(0, long.lastIndexOf(' ', 297))} …`;
  };

  const add = async (kind: 'melding' | 'beeld' | 'knelpunt' | 'oordeel' | 'besluit' | 'communicatie', body: Record<string, unknown>) => {
    const { id } = await api['log.add']({ incident, kind, body, classification: classification() });
    counts[kind]++;
    return id;
  };

  async function one(index: number, total: number): Promise<void> {
    // A few GRIP changes, spread over the log.
    if (total >= 100 && index > 0 && index % Math.floor(total / 4) === 0) {
      grip = grip >= 4 ? grip - 1 : grip + 1;
      await api['grip.set']({ incident, level: grip, reason: `Opschaling besproken in het ROT: ${situationText(random)}`, classification: 'partner' });
      counts.grip++;
      return;
    }
    const r = random.next();
    if (r < 0.02) {
      const { id } = await api['action.add']({
        incident, text: `${random.pick(TASKS)} ${situationText(random).split(' ').slice(-6).join(' ')}`, owner: random.pick(OWNERS), priority: 'HIGH', classification: classification(),
      });
      actions.push({ id, status: 'open' });
      counts.actie++;
      return;
    }
    const active = actions.filter((a) => a.status === 'open' || a.status === 'in_progress');
    if (r < 0.035 && active.length > 0) {
      const action = random.pick(active);
      const s = random.next();
      const status = action.status === 'open' && s < 0.5 ? 'in_progress' : s < 0.9 ? 'done' : 'not_done';
      await api['action.status']({ action: action.id, status, ...(status === 'not_done' ? { reason: random.pick(NOT_DONE) } : {}) });
      action.status = status;
      counts.actiestatus++;
      return;
    }
    if (r < 0.04 && correctable.length > 0) {
      const target = correctable.splice(random.int(correctable.length), 1)[0]!;
      corrected.add(target);
      await api['log.correct']({ target, text: `${situationText(random)} (gecorrigeerd)`, reason: 'Aantal huishoudens bijgesteld na controle' });
      counts.correctie++;
      return;
    }
    if (r < 0.07) {
      await add('knelpunt', { text: `Knelpunt: ${entryText()}` });
      return;
    }
    if (r < 0.11) {
      await add('oordeel', { text: `${random.pick(JUDGEMENTS)} ${entryText()}`.slice(0, 300) });
      return;
    }
    if (r < 0.14) {
      await add('besluit', { text: `Besloten: ${entryText()}`.slice(0, 300), decidedBy: 'ROT' });
      return;
    }
    if (r < 0.19) {
      await add('communicatie', { text: entryText(), audience: random.chance(0.5) ? 'Bewoners' : 'Pers' });
      return;
    }
    if (r < 0.39) {
      correctable.push(await add('beeld', { text: entryText() }));
      return;
    }
    const id = await add('melding', { text: entryText(), source: random.pick(SOURCES) });
    correctable.push(id);
    plainMeldingen.push(id);
  }

  return {
    counts,
    get plainMeldingen() {
      return plainMeldingen.filter((id) => !corrected.has(id));
    },
    async write(count, advance) {
      for (let i = 0; i < count; i++) {
        advance();
        await one(i, count);
      }
    },
  };
}

export function describeCounts(c: SeedCounts): string {
  return Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
}
