import type { Random } from './random.js';

/**
 * Situation-log text as crisis staff write it, 100-200 characters. COMMON_WORD appears in about
 * COMMON_SHARE of the texts, so searching it hits most of the log; rare words are added by the
 * caller to a handful of entries.
 */
export const COMMON_WORD = 'stroomstoring';
export const COMMON_SHARE = 0.8;

const ACTORS = [
  'De brandweer', 'De politie', 'De GHOR', 'Rijkswaterstaat', 'De gemeente', 'Het waterschap', 'Enexis', 'De meldkamer',
  'Het ROT', 'De veiligheidsregio', 'Defensie', 'Het Rode Kruis', 'De netbeheerder', 'Een buurtbewoner', 'ProRail',
];
const VERBS = ['meldt', 'bevestigt', 'rapporteert', 'verwacht', 'onderzoekt', 'signaleert', 'ziet', 'constateert'];
const EVENTS = [
  'uitval van de stroomvoorziening', 'wateroverlast in kelders', 'een mogelijk gaslek', 'lange files', 'rookontwikkeling',
  'uitval van het mobiele netwerk', 'storing in de drinkwatervoorziening', 'krapte bij de ambulancediensten',
  'uitgevallen verkeerslichten', 'onrust onder bewoners', 'uitval van de noodstroom', 'een overbelaste huisartsenpost',
];
const PLACES = [
  'in de wijk Strijp', 'bij het Catharina Ziekenhuis', 'op de A2 richting Eindhoven', 'rond het station', 'in het centrum van Tilburg',
  'bij de Waalbrug', 'in verzorgingshuis De Linde', 'op bedrijventerrein De Hurk', 'in Woensel-Noord', 'bij sporthal De Karpen',
  'langs het Wilhelminakanaal', 'in de Binnenstad', 'bij de waterzuivering', 'in Veldhoven-Zuid',
];
const FOLLOW_UPS = [
  'Inzet van een aggregaat wordt voorbereid.', 'Bewoners wordt geadviseerd ramen en deuren te sluiten.', 'Een afzetting is ingesteld.',
  'Volgende update over dertig minuten.', 'Er zijn geen gewonden gemeld.', 'Extra capaciteit is aangevraagd bij de buurregio.',
  'Communicatie stemt de berichtgeving af.', 'Situatie wordt gemonitord.', 'Het CoPI is geïnformeerd.', 'Opschaling wordt overwogen.',
];

function pad2(n: number): string {
  return n.toString().padStart(2, '0');
}

export function situationText(random: Random): string {
  const clock = `Om ${pad2(random.int(24))}:${pad2(random.int(60))}`;
  const count = `Circa ${10 + random.int(990)} huishoudens getroffen.`;
  const cause = random.chance(COMMON_SHARE) ? ` door de ${COMMON_WORD}` : '';
  return `${clock} ${random.pick(VERBS)} ${random.pick(ACTORS).toLowerCase()} ${random.pick(EVENTS)} ${random.pick(PLACES)}${cause}. ${count} ${random.pick(FOLLOW_UPS)}`;
}

export const SOURCES = ACTORS;
export const INCIDENT_TITLES = [
  'Stroomstoring regio Zuidoost', 'Wateroverlast Dommel', 'Brand chemische opslag', 'Uitval 112-bereikbaarheid', 'Gaslekkage binnenstad',
  'Hittegolf zorginstellingen', 'Storing drinkwater', 'Evacuatie ziekenhuis', 'Verkeersinfarct A2', 'Uitval ICT gemeentehuis',
];
export const OWNERS = ['Brandweer', 'Politie', 'GHOR', 'Gemeente', 'Waterschap', 'Netbeheerder', 'Communicatie'];

/** Words that occur nowhere in the generated text (and are no prefix of any word in it). */
export const RARE_WORDS = [
  'ammoniakwolk', 'zwanenkolonie', 'ijsbrekerboot', 'kwikthermometer', 'vogelgriepkooi', 'windmolenpark', 'zeehondencreche',
  'pontveerman', 'carillonspeler', 'tulpenbollenloods', 'orgelpijp', 'bijenkorfbeheer', 'ballonvaarder', 'graanschuurbrand',
  'walvisstranding', 'klokkenluider', 'kerstboomverbranding', 'schaatsbaanijs', 'zeppelinhangar', 'molenwiek',
];
