import type { ApiClient } from '../../../shared/contract/api.js';
import { defineCommand } from '../command.js';

const MINUTE = 60_000;

/**
 * A realistic exercise for training and screenshots: a national network outage (as NAFIN in August
 * 2024) that cuts off control rooms, an airport and partner agencies. Everything is written through
 * the API as a person would, marked as an exercise, with when each thing happened over the last
 * hours and who typed it on this laptop.
 */
export async function seedDemo(api: ApiClient, now: number): Promise<{ incident: string; entries: number; report: number }> {
  const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE).toISOString();
  let entries = 0;
  const count = <T>(value: T) => {
    entries++;
    return value;
  };
  const { id: incident } = count(await api['incident.create']({
    title: 'Uitval landelijk netwerk (NAFIN)', location: 'Eindhoven Airport en meldkamers Zuid-Nederland', grip: 1, exercise: true,
    classification: 'partner', start: at(300), happenedAt: at(300), operator: 'Anna de Vries',
  }));
  const log = async (kind: 'melding' | 'beeld' | 'oordeel' | 'besluit' | 'knelpunt' | 'communicatie', text: string, minutesAgo: number, classification: 'intern' | 'partner' | 'openbaar', extra: Record<string, string> = {}, operator = 'Anna de Vries') =>
    count(await api['log.add']({ incident, kind, body: { text, ...extra }, classification, happenedAt: at(minutesAgo), operator }));

  await log('melding', 'Meldkamer Brabant-Noord meldt: geen verbinding meer met de landelijke systemen.', 295, 'partner', { source: 'Meldkamer Brabant-Noord' });
  await log('melding', 'KMar Eindhoven Airport: grenscontrolesystemen werken niet, passagiers worden handmatig gecontroleerd.', 280, 'partner', { source: 'KMar' }, 'Piet Jansen');
  await log('melding', 'Kustwacht: communicatie met schepen op de Noordzee alleen nog via marifoon.', 270, 'partner', { source: 'Kustwacht' });
  const beeld = await log('beeld', 'Storing raakt het netwerk van Defensie; regionale telefonie werkt, C2000 werkt beperkt.', 260, 'partner');
  await api['log.correct']({ target: beeld.id, text: 'Storing raakt het netwerk van Defensie (NAFIN); regionale telefonie werkt, C2000 werkt in Brabant normaal.', reason: 'C2000 bevestigd door meldkamer', operator: 'Piet Jansen' });
  count(null);
  count(await api['grip.set']({ incident, level: 2, reason: 'Effecten buiten de bron: luchthaven en meldkamers geraakt', classification: 'partner', happenedAt: at(250), operator: 'Anna de Vries' }));
  const knelpunt = await log('knelpunt', 'Geen zicht op herstelduur: Defensie kan nog geen prognose geven.', 240, 'partner');
  await log('oordeel', 'Risico op wachtrijen en onrust op Eindhoven Airport bij de ochtendpiek.', 230, 'intern');
  const phone = count(await api['action.add']({
    incident, text: 'Satelliettelefoons naar meldkamer en luchthaven', owner: 'Defensie', priority: 'URGENT', deadline: at(120), force: true, classification: 'partner', happenedAt: at(225), operator: 'Anna de Vries',
  }));
  const press = count(await api['action.add']({
    incident, text: 'Persbericht over vertraging op de luchthaven', owner: 'Crisiscommunicatie', priority: 'HIGH', deadline: at(150), force: true, classification: 'openbaar', happenedAt: at(220),
  }));
  const shifts = count(await api['action.add']({
    incident, text: 'Extra personeel KMar voor handmatige controle', owner: 'KMar', priority: 'AVERAGE', classification: 'partner', happenedAt: at(215),
  }));
  count(await api['action.status']({ action: phone.id, status: 'in_progress', reason: 'Twee toestellen onderweg', happenedAt: at(180) }));
  count(await api['action.status']({ action: press.id, status: 'done', happenedAt: at(160), operator: 'Sanne de Boer' }));
  count(await api['action.status']({ action: shifts.id, status: 'not_done', reason: 'Geen reserves beschikbaar tot 07:00', happenedAt: at(150) }));
  await log('besluit', 'GBT besluit: luchthaven blijft open met handmatige grenscontrole; extra informatiepunten in de vertrekhal.', 200, 'partner', { decidedBy: 'Burgemeester Eindhoven' });
  count(await api['grip.set']({ incident, level: 3, reason: 'Bevolking van de gemeente geraakt: lange wachtrijen, onrust', classification: 'partner', happenedAt: at(190) }));
  await log('communicatie', 'Persbericht: vertraging op Eindhoven Airport door landelijke storing; reizigers wordt gevraagd extra tijd te nemen.', 155, 'openbaar', { audience: 'pers en reizigers' }, 'Sanne de Boer');
  await log('melding', 'Ambulancezorg: geen effect op inzet; meldingen komen via regionale lijnen binnen.', 140, 'partner', { source: 'GHOR' });
  await log('beeld', 'Wachtrij bij de vertrekhal circa 400 reizigers; geen incidenten.', 90, 'openbaar', {}, 'Piet Jansen');
  count(await api['knelpunt.resolve']({ knelpunt: knelpunt.id, reason: 'Defensie verwacht herstel binnen 4 uur', happenedAt: at(60) }));
  count(await api['sitrep.edit']({ incident, section: 'summary', text: 'Landelijke storing in het Defensienetwerk (oefening). Luchthaven open met handmatige controle; meldkamers werken via regionale lijnen.', textClassification: 'partner', nextDue: at(-60) }));
  const report = await api['sitrep.approve']({ incident, operator: 'Anna de Vries' });
  count(report);
  await log('melding', 'Defensie: eerste systemen weer bereikbaar, volledige herstel verwacht binnen 2 uur.', 20, 'partner', { source: 'Defensie' });
  return { incident, entries, report: report.number };
}

export const demoCommand = defineCommand({
  path: ['demo'],
  summary: 'Seed an exercise incident (a national network outage hitting control rooms, an airport and partners) for training and screenshots',
  examples: ['baken --data ./oefening demo', 'baken --data ./oefening serve --ui --no-mdns'],
  async run(ctx) {
    const api = ctx.backend({ create: true }).api;
    const info = await api['device.info']({});
    if (info.person.name === null) await api['device.set']({ name: 'Anna de Vries', function: 'IM', team: 'ROT Brabant-Noord', organisation: 'Veiligheidsregio Brabant-Noord', discipline: 'MULTI' });
    return seedDemo(api, ctx.time.now);
  },
  human: (r) => `Exercise incident ${r.incident} with ${r.entries} entries and SITREP ${r.report}; look at it with baken incident show ${r.incident.slice(0, 8)}, or in the window.`,
});
