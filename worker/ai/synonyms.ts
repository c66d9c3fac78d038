// Everyday support vocabulary that customers and help articles word differently ("dog" / "pets",
// "money back" / "refund"). Used to widen keyword queries and to credit coverage through a synonym.
import { stem } from './text';

const GROUPS: string[][] = [
  ['wifi', 'wireless', 'internet', 'network', 'router'],
  ['password', 'passcode', 'passphrase'],
  ['checkin', 'arrival', 'arrive', 'arriving'],
  ['checkout', 'departure', 'depart', 'leaving'],
  ['parking', 'park', 'car', 'garage', 'vehicle'],
  ['pet', 'pets', 'dog', 'dogs', 'cat', 'cats', 'animal', 'animals', 'puppy'],
  ['cancel', 'cancellation', 'cancelling', 'canceled', 'cancelled'],
  ['refund', 'refunds', 'reimburse', 'reimbursement', 'money'],
  ['price', 'prices', 'cost', 'costs', 'fee', 'fees', 'charge', 'charges', 'rate', 'rates', 'expensive'],
  ['pay', 'payment', 'payments', 'card', 'cash', 'invoice', 'bill'],
  ['booking', 'book', 'reservation', 'reserve', 'reserved'],
  ['appointment', 'appointments', 'visit', 'consultation', 'slot'],
  ['child', 'children', 'kid', 'kids', 'baby', 'babies', 'toddler', 'infant'],
  ['crib', 'cot', 'highchair'],
  ['towel', 'towels', 'linen', 'linens', 'sheets', 'bedding'],
  ['hours', 'open', 'opening', 'closing', 'closed', 'schedule', 'timetable'],
  ['allergy', 'allergies', 'allergen', 'allergens', 'allergic', 'intolerance'],
  ['gluten', 'celiac', 'coeliac', 'wheat'],
  ['vegan', 'vegetarian', 'plant', 'meat'],
  ['delivery', 'deliver', 'takeaway', 'takeout', 'pickup', 'collect'],
  ['doctor', 'physician', 'dr', 'gp', 'clinician'],
  ['prescription', 'prescriptions', 'refill', 'medication', 'medicine', 'medicines', 'repeat'],
  ['insurance', 'insurer', 'insured', 'coverage', 'covered'],
  ['late', 'delay', 'delayed', 'later'],
  ['early', 'earlier', 'sooner'],
  ['noise', 'noisy', 'quiet', 'loud'],
  ['trash', 'garbage', 'rubbish', 'bin', 'bins', 'recycling', 'waste'],
  ['heating', 'heater', 'heat', 'radiator', 'cold', 'warm'],
  ['ac', 'aircon', 'conditioning', 'cooling', 'hot'],
  ['key', 'keys', 'lockbox', 'keybox', 'keypad', 'lock', 'door'],
  ['lost', 'forgot', 'forgotten', 'left', 'missing'],
  ['airport', 'taxi', 'shuttle', 'transfer', 'bus', 'train', 'transport'],
  ['menu', 'dish', 'dishes', 'food', 'meal', 'meals'],
  ['birthday', 'celebration', 'anniversary', 'party', 'event', 'private'],
  ['wheelchair', 'accessible', 'accessibility', 'disabled', 'disability', 'steps', 'stairs'],
  ['results', 'result', 'test', 'tests', 'lab', 'bloodwork', 'blood'],
  ['vaccine', 'vaccines', 'vaccination', 'shot', 'jab', 'flu'],
  ['emergency', 'urgent', 'urgently'],
  ['smoke', 'smoking', 'cigarette', 'vape'],
  ['clean', 'cleaning', 'housekeeping', 'cleaner'],
  ['broken', 'working', 'fix', 'repair', 'faulty'],
  ['kitchen', 'cooking', 'cook', 'stove', 'oven'],
  ['beach', 'sea', 'pool', 'swim', 'swimming'],
  ['group', 'people', 'guests', 'party'],
  ['new', 'register', 'registration', 'signup', 'enrol'],
  ['reschedule', 'change', 'move', 'modify'],
];

const BY_STEM = new Map<string, string[]>();
for (const group of GROUPS) {
  for (const word of group) {
    const key = stem(word);
    BY_STEM.set(key, [...new Set([...(BY_STEM.get(key) ?? []), ...group.filter((w) => stem(w) !== key)])]);
  }
}

/** Other words for the same thing (never the word itself); empty when the word has none. */
export function expand(word: string): string[] {
  return BY_STEM.get(stem(word)) ?? [];
}
