// Cross-lingual retrieval offline: a customer writes in Spanish, Portuguese or French to a knowledge
// base written in English (or the other way round). Query words are light-stemmed in their language
// and looked up in a bilingual lexicon of the support domain (stays, restaurants and delivery, shops
// and orders, payments); each concept carries its words in the four languages, so the keyword query
// can carry them into whatever language the articles are written in.
//
// Hand-written on purpose: the maintained multilingual stemmers on npm are Snowball compiled to
// WebAssembly (a module to load per isolate for a few suffix rules) or unmaintained ports from 2014-18;
// light stemmers (plural, gender and common verb/noun endings, after Savoy's "light" stemmers for
// Romance languages) are enough to key a lexicon, and run in microseconds in the Worker.
import { fold, isStopword, stem as stemEn, type Language } from './text';

export type LexiconLanguage = 'en' | 'es' | 'pt' | 'fr';
const LEXICON_LANGUAGES: LexiconLanguage[] = ['en', 'es', 'pt', 'fr'];

const ROMANCE_SUFFIXES: Record<'es' | 'pt' | 'fr', string[]> = {
  es: ['amientos', 'imientos', 'amiento', 'imiento', 'aciones', 'iciones', 'amente', 'acion', 'icion', 'mente', 'ando', 'iendo', 'endo', 'ados', 'adas', 'idos', 'idas', 'aron', 'ieron', 'amos', 'emos', 'imos', 'ado', 'ada', 'ido', 'ida', 'ais', 'eis', 'ar', 'er', 'ir', 'as', 'es', 'os', 'an', 'en', 'a', 'e', 'o', 's'],
  pt: ['amentos', 'imentos', 'amento', 'imento', 'acoes', 'icoes', 'amente', 'acao', 'icao', 'mente', 'ando', 'endo', 'indo', 'ados', 'adas', 'idos', 'idas', 'aram', 'eram', 'iram', 'amos', 'emos', 'imos', 'ado', 'ada', 'ido', 'ida', 'ais', 'eis', 'oes', 'aes', 'ar', 'er', 'ir', 'as', 'es', 'os', 'am', 'em', 'a', 'e', 'o', 's'],
  fr: ['issements', 'issement', 'ements', 'ement', 'ations', 'ation', 'euses', 'euse', 'ments', 'ment', 'aient', 'erons', 'eront', 'ions', 'iez', 'ees', 'ons', 'ez', 'ee', 'es', 'er', 'ir', 'e', 's', 'x'],
};

/** A light stemmer: English through the shared one, Romance languages by one longest-suffix strip (stem ≥ 3 letters). */
export function lightStem(word: string, lang: LexiconLanguage): string {
  const w = fold(word);
  if (lang === 'en') return stemEn(w);
  if (w.length <= 3 || /\d/.test(w)) return w;
  for (const suffix of ROMANCE_SUFFIXES[lang]) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) return w.slice(0, -suffix.length);
  }
  return w;
}

// One concept per line: English | Spanish | Portuguese | French. Written from the vocabulary of
// hospitality, food delivery and online shops, not from any evaluation question.
const CONCEPTS = `
checkin arrival arrive | llegada llegar llego entrada entrar | chegada chegar chego entrada entrar | arrivee arriver arrive
checkout departure leave leaving | salida salir dejar | saida sair partida deixar | depart partir quitter
time hour hours | hora horas horario | hora horas horario | heure heures horaire
open opening | abierto abren abrir apertura | aberto abrem abrir abertura | ouvert ouverts ouvrez ouverture
closed close closing | cerrado cierran cerrar cierre | fechado fecham fechar | ferme fermez fermer fermeture
booking reservation book reserve | reserva reservar reservacion | reserva reservar marcacao | reservation reserver
cancel cancellation | cancelar cancelo cancelacion anular | cancelar cancelo cancelamento anular | annuler annule annulation
refund money reimburse | reembolso reembolsar devolucion dinero devuelven devuelve | reembolso reembolsar devolucao dinheiro | remboursement rembourser rembourse argent
return send back | devolver devolucion devuelvo | devolver devolucao devolvo | retour retourner renvoyer
price cost costs fee charge how much | precio cuesta cuestan costo coste tarifa cuanto | preco custa custo taxa tarifa quanto | prix coute coutent cout tarif combien
payment pay card cash | pago pagar tarjeta efectivo | pagamento pagar cartao dinheiro | paiement payer carte especes
invoice receipt bill | factura recibo cuenta | fatura recibo conta | facture recu addition
address street | direccion calle domicilio | morada endereco rua | adresse rue
delivery deliver shipping ship | entrega entregar envio envios enviar reparto domicilio | entrega entregar envio enviar entregam | livraison livrer envoi expedition
order | pedido pedir orden | encomenda pedido encomendar | commande commander
late delay delayed | tarde retraso retrasado demora tarda | atraso atrasado demora tarde | retard retarde
missing | falta faltan | falta faltam | manque manquant
wrong | equivocado incorrecto erroneo | errado trocado | mauvais errone
damaged broken crushed | roto danado estropeado aplastado | danificado partido amassado estragado | abime casse endommage
tracking track where parcel package | seguimiento rastrear paquete | rastreio rastrear encomenda pacote | suivi suivre colis
parking park car garage | aparcamiento aparcar parking estacionamiento coche garaje | estacionamento estacionar carro garagem | parking garer voiture stationnement
wifi internet password network | wifi internet contrasena clave red | wifi internet senha rede | wifi internet mot de passe reseau
towel towels linen sheets | toalla toallas sabanas ropa de cama | toalha toalhas lencois roupa de cama | serviette serviettes draps linge
cleaning clean housekeeping | limpieza limpiar limpio | limpeza limpar limpo | menage nettoyage propre
pets pet dog dogs cat | mascota mascotas perro perros gato | animal animais cao caes cachorro gato | animaux animal chien chiens chat
airport transfer taxi metro | aeropuerto traslado taxi metro | aeroporto transfer taxi metro | aeroport navette taxi metro
luggage bags suitcase | maletas maleta equipaje | malas mala bagagem | bagages bagage valise valises
storage store keep | guardar consigna | guardar guarda | consigne garder deposer
key keys code door | llave llaves codigo puerta | chave chaves codigo porta | cle cles code porte
apartment flat room | apartamento piso habitacion | apartamento quarto | appartement chambre logement
baby crib cot child | bebe cuna nino | bebe berco crianca | bebe lit parapluie enfant
allergy allergies allergen | alergia alergias alergico alergeno | alergia alergias alergico | allergie allergies allergique
gluten celiac coeliac wheat | gluten celiaco celiacos trigo | gluten celiaco trigo | gluten coeliaque ble
nuts | nueces frutos secos | nozes frutos secos | noix
vegan vegetarian | vegano vegana veganas vegetariano | vegano vegana vegetariano | vegan vegetalien vegetarien
menu dish food | menu carta plato comida | menu ementa prato comida | menu carte plat nourriture
table | mesa | mesa | table
group people | grupo personas | grupo pessoas | groupe personnes
pickup takeaway collect | recoger para llevar | levantar buscar take away | emporter retrait retirer
discount | descuento | desconto | reduction remise
shop store | tienda local | loja | boutique magasin
wholesale bulk | mayorista por mayor | atacado grosso | gros grossiste
tea | te | cha | the
brew prepare make | preparar hacer | preparar fazer | preparer faire infuser
green | verde | verde | vert
black | negro | preto | noir
caffeine | cafeina | cafeina | cafeine
change modify | cambiar modificar cambio | mudar alterar alteracao | changer modifier modification
today | hoy | hoje | aujourd
monday | lunes | segunda | lundi
sunday | domingo | domingo | dimanche
saturday | sabado | sabado | samedi
night | noche | noite | nuit
gift | regalo | presente oferta | cadeau
company business | empresa negocio | empresa negocio | entreprise societe
phone call | telefono llamar | telefone ligar | telephone appeler
email | correo email | email correio | courriel email mail
account | cuenta | conta | compte
heating heater | calefaccion | aquecimento | chauffage
air conditioning | aire acondicionado | ar condicionado | climatisation clim
breakfast | desayuno | pequeno almoco cafe da manha | petit dejeuner
kitchen | cocina | cozinha | cuisine
pool | piscina | piscina | piscine
beach | playa | praia | plage
noise | ruido | barulho | bruit
lost forgot | perdido olvide olvidado | perdido esqueci | perdu oublie
bed | cama | cama | lit
water | agua | agua | eau
drink | bebida | bebida | boisson
terrace patio | terraza | esplanada terraco | terrasse
birthday | cumpleanos | aniversario | anniversaire
wine bottle | vino botella | vinho garrafa | vin bouteille
children kids | ninos infantil | criancas infantil | enfants
deposit | fianza deposito | caucao deposito | caution depot
insurance insured | seguro | seguro | assurance assure
theft stolen steal | robo robar robaron robado | roubo roubar roubaram roubada | vol voler vole
bike bicycle ebike | bici bicicleta bicis bicicletas | bicicleta bicicletas | velo velos bicyclette
helmet | casco | capacete | casque
tyre tire puncture | rueda pinchazo pinchar pincho | pneu furo furar | pneu crevaison creve
tour guide guided | tour visita guiada guia | passeio visita guiada guia | visite guidee guide
doctor gp physician | medico doctor | medico | medecin docteur
appointment consultation | cita consulta | consulta marcacao | rendez consultation
prescription medication | receta medicamento | receita medicamento | ordonnance medicament
results blood test | resultados analisis sangre | resultados analises sangue | resultats analyse sang
vaccine vaccination jab flu | vacuna gripe | vacina gripe | vaccin grippe
certificate note | certificado justificante | atestado certificado | certificat
`;

interface Concept {
  forms: Record<LexiconLanguage, string[]>;
}

const CONCEPT_LIST: Concept[] = CONCEPTS.trim()
  .split('\n')
  .map((line) => {
    // Words of multi-word entries stand alone in a keyword query: function words ("de", "how") are dropped.
    const cols = line.split('|').map((c) => c.trim().split(/\s+/).map(fold).filter((w) => w.length > 1 && !isStopword(w)));
    return { forms: Object.fromEntries(LEXICON_LANGUAGES.map((l, i) => [l, cols[i] ?? []])) as Record<LexiconLanguage, string[]> };
  });

/** (language, light stem) → concepts. */
const INDEX: Record<LexiconLanguage, Map<string, Concept[]>> = { en: new Map(), es: new Map(), pt: new Map(), fr: new Map() };
for (const c of CONCEPT_LIST) {
  for (const l of LEXICON_LANGUAGES) {
    for (const form of c.forms[l]) {
      const key = lightStem(form, l);
      const list = INDEX[l].get(key) ?? [];
      if (!list.includes(c)) list.push(c);
      INDEX[l].set(key, list);
    }
  }
}

/** Concepts a word may stand for: its detected language first, then the other lexicon languages. */
function conceptsOf(word: string, lang: Language): { concepts: Concept[]; from: LexiconLanguage } | null {
  const order = [...((LEXICON_LANGUAGES as string[]).includes(lang) ? [lang as LexiconLanguage] : []), ...LEXICON_LANGUAGES.filter((l) => l !== lang)];
  for (const l of order) {
    const hit = INDEX[l].get(lightStem(word, l));
    if (hit) return { concepts: hit, from: l };
  }
  return null;
}

/**
 * The word's concept in the four languages (never the word itself), English first: what to add to a
 * keyword query so articles in any of the four languages can match. Empty when the lexicon lacks it.
 */
export function translations(word: string, lang: Language, perLanguage = 4): string[] {
  const found = conceptsOf(word, lang);
  if (!found) return [];
  const w = fold(word);
  const out = new Set<string>();
  // The first forms of each language are its usual words: a few per language keeps the keyword query
  // short and balanced whatever language the articles are in.
  for (const l of LEXICON_LANGUAGES) {
    for (const c of found.concepts) for (const form of c.forms[l].slice(0, perLanguage)) if (form !== w) out.add(form);
  }
  return [...out];
}
