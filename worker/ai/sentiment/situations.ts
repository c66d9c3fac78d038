// Bad situations described factually. Customers often complain without a single sentiment word:
// "I was charged twice", "the box arrived open", "nobody called me back", "se me cobró dos veces",
// "ainda não caiu", "toujours rien reçu". A word list cannot see these (each word is neutral), so they
// are short patterns over the folded words of a message (lower case, no accents, one space between
// units, punctuation kept as its own unit so a pattern never runs across a sentence).
//
// Pattern syntax (patterns.ts), kept small so the lists stay readable: plain regex over folded text,
// plus `~N ` — up to N words in between ("charged ~3 twice" also matches "charged me for it twice").
// Every pattern is matched as whole words. A match becomes one unit of the analyzer carrying the
// valence given here (like a lexicon phrase, so it is not negated again by a word before it).
//
// Valences follow the lexicon's scale: about -1.6 … -2.4 for a situation that is a complaint on its
// own, -0.7 for one that only adds weight (a stretch of time: "hace tres semanas que…", alone
// still neutral). Good outcomes told as facts ("the refund came through") are in outcomes.ts.

import { OUTCOMES } from './outcomes';
import { combine, compile, N_EN, N_ES, N_FR, N_PT, type Situation, type SituationSet, WORD } from './patterns';

/**
 * Questions that are complaints by their form, whatever their words: "how many more times…?",
 * "is anyone going to answer…?", "¿por qué sigue…?", "até quando…?", "quelqu'un va-t-il enfin
 * répondre ?". A situation in each language's list, and what makes a question complaining
 * (COMPLAINING_QUESTION) so that it counts in full.
 */
const RHETORICAL = [
  compile(-1.8, String.raw`how many (?:more )?times|how much longer|what(?:'s| is) taking so long|is (?:anyone|anybody|someone|somebody) (?:ever |actually |even |really )?(?:going to|gonna) (?:answer|reply|respond|help|get back)|why (?:is|are|does|do|has|have|am) ~4 still|why (?:hasn't|haven't|isn't|doesn't|didn't|won't|can't) (?:anyone|anybody|somebody|someone|my|the|it|this|your)`),
  compile(-1.8, String.raw`cuantas veces (?:mas|tengo|tenemos|hay)|hasta cuando|(?:alguien|nadie) (?:me |nos )?va a (?:contestar|responder|ayudar|hacer caso)|por que ~4 (?:sigue|siguen|todavia|aun|nadie|nunca)`),
  compile(-1.8, String.raw`quantas vezes (?:mais|vou|vamos|preciso|tenho)|ate quando|(?:alguem|ninguem) (?:vai|vao) (?:me |nos )?(?:responder|atender|ajudar|resolver)|por que ~4 (?:continua|continuam|ainda|ninguem|nunca)`),
  compile(-1.8, String.raw`combien de fois (?:encore|dois je|faut il|devrai je|vais je)|jusqu'a quand|(?:quelqu'un|personne) (?:va t il |va t elle |va |compte )(?:enfin |un jour |vraiment )?(?:me |nous )?(?:repondre|rappeler|aider|s'occuper)|pourquoi ~4 (?:toujours|encore|personne|jamais)`),
];

const EN: Situation[] = [
  // Money taken twice, or after the customer cancelled.
  compile(-2.4, String.raw`(?:charged|billed|debited|invoiced|deducted|taken|charging|billing) ~3 (?:twice|two times|2 times|three times|double)`),
  compile(-2.4, String.raw`double (?:charged|billed|charge|charges|billing|payment|debit)|duplicate (?:charge|charges|payment|transaction)`),
  compile(-2.2, String.raw`(?:keep|keeps|kept|still|continue|continues|continued) (?:charging|billing|debiting|taking|deducting|withdrawing|invoicing)`),
  compile(-2.2, String.raw`(?:charged|billed|debited|invoiced|charging|billing) ~4 after (?:i |we )?(?:cancel\w*|closing|closed|ending|ended|unsubscrib\w*|terminat\w*)`),
  // Missing or damaged on arrival.
  compile(-1.8, String.raw`(?:items?|pieces?|parts?|products?|bags?|bottles?|dishes?|things?|drinks?|sides?) (?:are|were|is|was) (?:missing|not there|not included)`),
  compile(-1.8, String.raw`(?:weren't|wasn't|were not|was not|isn't|aren't) (?:in|inside) the (?:box|package|parcel|bag|order|delivery|kit)`),
  compile(-1.8, String.raw`(?:arrived|came|showed up|turned up|was delivered|got delivered) (?:\w+ )?(?:open|opened|torn|ripped|crushed|smashed|damaged|broken|cracked|dented|leaking|wet|soaked|empty|incomplete|cold|melted|spilled|half empty)`),
  // Late.
  compile(-1.8, String.raw`(?:arrived|showed up|came|turned up|got here|was delivered|delivered|landed|departed|left|started) ~2 ${N_EN} (?:minutes?|mins?|hours?|hrs?|days?|weeks?) (?:late|later|after|behind|overdue)`),
  compile(-1.6, String.raw`${N_EN} (?:minutes?|hours?|days?|weeks?) (?:late|overdue)`),
  // Still nothing; it never came; nobody answers.
  compile(-2.2, String.raw`still (?:no|nothing|not|hasn't|haven't|isn't|aren't|didn't|don't|doesn't|can't|won't|without|no sign)`),
  // A state that should have changed and has not: still sitting in the warehouse, still pending, still being asked.
  compile(-1.6, String.raw`(?:is|are|was|it's|i'm|i am|we're|we are) still (?:sitting|stuck|pending|processing|showing|being|in (?:the|your)|at (?:the|your)|on hold|waiting|charged|marked|listed)`),
  compile(-1.4, String.raw`(?:isn't|is not|aren't|are not|not) (?:showing|showing up|visible|reflected|there|on my|in my)|(?:only|just) (?:worked|works|lasted|opened|arrived|came|had) (?:for |on )?(?:one|1|a|two|half)`),
  compile(-1.8, String.raw`(?:arrived|arrives|came|comes|was delivered|got delivered|turned up|turns up|showed up|shows up) without`),
  // An attempt, then "but": it failed ("I tried to pay but the page just spins").
  compile(-2.0, String.raw`(?:tried|have tried|attempted|i've tried)(?: ${WORD}){1,6}(?= but )`),
  compile(-1.8, String.raw`(?:hasn't|has not|haven't|have not) been \w+(?:ed|en|one|ent)(?! (?:before|yet\?))`),
  compile(-2.0, String.raw`(?:hasn't|has not|haven't|have not|didn't|did not|never|not yet) (?:\w+ )?(?:arrived|arrive|come|come back|shown up|showed up|show up|turned up|turn up|reached|landed|appeared|gone through|went through|got here|been delivered|been refunded|been credited|been returned|been processed|been fixed|been resolved|been sorted|been shipped|been dispatched)`),
  compile(-2.0, String.raw`no (?:sign|trace|word|news|updates?) (?:of|from|yet|since)`),
  compile(-2.0, String.raw`(?:nobody|no one|noone|none of you) (?:has |have |had |ever |even |is |was |will )*(?:answered|answers|answer|replied|replies|reply|called|calls|responded|responds|picks up|picked up|got back|gets back|came|come|showed up|shown up|turned up|helped|helps|bothered|contacted|returned|cares|listens)`),
  compile(-2.0, String.raw`(?:never|didn't|did not|hasn't|has not|haven't|have not) (?:\w+ )?(?:called|rang|phoned|wrote|emailed|got|gotten|heard|get|write|call|email|ring|phone) (?:me |us )?back`),
  // Done to the customer without a word.
  compile(-1.8, String.raw`without (?:any )?(?:notice|warning|telling|informing|notifying|asking|explanation|explaining|consent|permission|authori[sz]ation|a word|letting)`),
  // Wrong item: got something else than what was ordered.
  compile(-1.8, String.raw`instead of ~4 (?:ordered|asked for|paid for|booked|requested|bought|chose|selected)`),
  compile(-1.6, String.raw`(?:ordered|booked|asked for|paid for|bought) ~5 (?:and |but |, )(?:i |we )?(?:got|received|they sent|you sent|was sent|were sent|was given|were given|got sent)`),
  // Things failing.
  compile(-2.0, String.raw`(?:keeps|keep|kept|constantly|always) (?:crashing|failing|freezing|dropping|disconnecting|logging me out|signing me out|kicking me out|closing|restarting|rebooting|shutting down|turning off|switching off|cutting out|breaking|declining|rejecting|buffering|lagging|glitching|leaking|going down)`),
  compile(-1.8, String.raw`(?:logs|logged|signs|signed|kicks|kicked|throws|threw) (?:me|us) (?:out|back)`),
  compile(-1.6, String.raw`(?:just|keeps|it keeps) (?:spins|spinning|loading|buffering)|loads forever|(?:stays|stuck on|shows) (?:a )?(?:blank|black|white) (?:screen|page)`),
  // Told to do something, did it, nothing came of it.
  compile(-1.8, String.raw`nothing (?:happened|happens|changed|changes|works|worked|arrived|came|showed up)|(?:didn't|did not|doesn't|does not) change anything|nothing (?:at|on|in|inside) (?:my|the) (?:door|doorstep|mailbox|porch|box|account)`),
  compile(-1.8, String.raw`stopped (?!raining|snowing)\w+ing`),
  compile(-1.6, String.raw`(?:sent|gave|delivered|brought|shipped) (?:me |us )?(?:the wrong|a different|another|someone else's) (?:item|model|size|colou?r|product|order|dish|parcel|package|one)`),
  compile(-1.8, String.raw`on hold (?:for )?(?:over |more than )?${N_EN} (?:minutes?|mins?|hours?)`),
  compile(-1.8, String.raw`(?:smelled|smells|smelt|stank|stinks|reeked|reeks) (?:of|like)`),
  // Something that should have been there was not ("the room had no towels"), not "no problem".
  compile(-1.4, String.raw`(?:had|has|there was|there were|there's|there is) no (?!problem|issue|complaint|trouble|worries|need|rush)${WORD}`),
  // Consequences the customer had to bear (not "had to leave/cancel": often the customer's own plans), and repeating oneself.
  compile(-1.4, String.raw`(?:we|i) had to (?:get|take|pay|buy|call|wait|find|sleep|walk|book|rent|borrow|drive|ask|chase|throw)`),
  compile(-1.6, String.raw`(?:explained|told|repeated|described) ~4 (?:\d+|two|three|four|five|six|several|many|multiple) (?:different )?(?:agents|people|persons|times|advisors|advisers|colleagues)`),
  compile(-1.4, String.raw`(?:no idea|don't know|do not know|without knowing) why`),
  compile(-1.6, String.raw`(?:left|leaving) (?:a mess|water|dirt|rubbish|trash|mud|stains)|water all over`),
  compile(-1.6, String.raw`(?:heard|hear|could hear) ~5 all night`),
  // Without a basic utility or service.
  compile(-2.0, String.raw`(?:no|without) (?:hot water|water|power|electricity|internet|wifi|signal|heating|heat|air conditioning|aircon|connection|service|phone line)(?! (?:needed|required|included|problem))`),
  compile(-1.8, String.raw`nothing (?:yet|so far|since)`),
  compile(-1.8, String.raw`(?:won't|doesn't|does not|will not|wont|doesnt|can't|cannot|couldn't|didn't|did not) (?:even )?(?:load|open|start|turn on|switch on|boot|connect|log in|login|sign in|charge|sync|update|print|save|upload|download|install|exist|lock|flush|drain|heat up|cool down)`),
  compile(-1.8, String.raw`(?:payment|card|transaction|transfer|upload|download|login|update|installation|checkout) (?:\w+ )?(?:failed|fails|failing|declined|rejected|bounced|keeps failing|did not go through|didn't go through)`),
  compile(-1.8, String.raw`(?:internet|connection|wifi|wi fi|signal|line|power|electricity|website|site|app|server|system|network|router|tv) (?:keeps |has |is |was |has been |keeps going |goes |went )?(?:dropping|drops|dropped|cutting out|cuts out|cut out|crashing|crashes|crashed|failing|fails|failed|going down|down|out)`),
  compile(-1.6, String.raw`(?:switches|switched|turns|turned|shuts|shut) (?:itself|themselves) (?:off|down)|(?:switches|turns|shuts) off (?:by itself|on its own|randomly)`),
  compile(-1.6, String.raw`(?:second|third|fourth|fifth|2nd|3rd|4th|5th) (?:try|attempt)|tried ~2 (?:\d+|two|three|four|five|several|many|multiple) times`),
  // The customer's time or money lost.
  compile(-1.8, String.raw`(?:lost|wasted|wasting|losing) (?:a |an |my |our |the |whole |entire |half a |half my )*(?:day|morning|afternoon|evening|hours?|weekend|time|money)`),
  compile(-1.4, String.raw`(?:i've|i have|we've|we have) been (?:waiting|trying|calling|chasing|emailing|asking|writing)`),
  compile(-0.9, String.raw`(?:it's been|it has been|over|more than) ${N_EN} (?:days?|weeks?|months?)|${N_EN} (?:days?|weeks?|months?) (?:since|ago and|later and)`),
  compile(-2.0, String.raw`(?:i |we )?(?:want|demand|expect) (?:a |my |our )?(?:full )?refund`),
  // A replacement or repair that brought the same fault back; a part left out of the box.
  compile(-1.8, String.raw`(?:the )?same (?:problem|issue|fault|defect|crack|error|noise|leak|damage)(?! (?:never|hasn't|has not|didn't) )`),
  // Charged for what the customer had cancelled, returned or never ordered.
  compile(-2.2, String.raw`(?:charged|billed|charging|billing|debited) (?:me |us )?for ~3 (?:i|we) (?:had |already )?(?:cancelled|canceled|returned|never ordered|didn't order|did not order)`),
  RHETORICAL[0],
  // A fix reported by the company, told by the customer: almost always before "but it…".
  compile(-1.2, String.raw`(?:said|told me|told us|claimed|assured me|promised) (?:that )?(?:it|this|everything|the \w+) (?:was|had been|would be|is|'d be) (?:all )?(?:fixed|sorted|solved|resolved|repaired|done|working)`),
  compile(-2.0, String.raw`(?:came|comes|is|was|billed|charged) (?:at |to )?(?:double|twice (?:as much|the amount|the price))|hung up on (?:me|us)`),
];

const ES: Situation[] = [
  compile(-2.4, String.raw`(?:cobrad\w*|cobraron|cobran|cobro|cargad\w*|cargaron|cargo|debitad\w*|descontad\w*|descontaron|facturad\w*|facturaron) ~3 (?:dos veces|doble|por duplicado|tres veces)`),
  compile(-2.4, String.raw`(?:doble|duplicad\w*) (?:cobro|cargo|cargos|cobros|pago|factura)|(?:cobro|cargo|pago) (?:doble|duplicado)`),
  compile(-2.2, String.raw`(?:siguen|sigue|seguian|continuan|continua) (?:cobrando\w*|cargando\w*|descontando\w*|facturando\w*|quitando\w*)`),
  compile(-2.2, String.raw`(?:cobraron|cobrado|cargaron|cobran|facturaron|descontaron) ~3 (?:despues|tras) (?:de )?(?:cancelar|darme de baja|darnos de baja|dar de baja|la baja|la cancelacion|anular|cerrar)`),
  compile(-1.8, String.raw`(?:llego|llegaron|vino|vinieron|entregaron|recibi|recibimos|ha llegado) (?:\w+ )?(?:abiert\w*|rot[oa]s?|aplastad\w*|danad\w*|vaci[oa]s?|incomplet\w*|mojad\w*|fri[oa]s?|derretid\w*|golpead\w*|abollad\w*|rajad\w*|manchad\w*)`),
  compile(-1.8, String.raw`no (?:estaba|estaban|venia|venian|vino|vinieron|llego|llegaron|incluia|traia) (?:el|la|los|las|ningun\w*|nada)`),
  compile(-1.6, String.raw`falta\w* (?:un|una|dos|tres|el|la|los|las|algun\w*|piezas|productos|cosas|articulos)`),
  compile(-1.8, String.raw`(?:llego|llegaron|vino|vinieron|aparecio|aparecieron|entregaron|salio) ~2 ${N_ES} (?:minutos?|horas?|dias?|semanas?) (?:despues|tarde|mas tarde|de retraso|de atraso)`),
  compile(-1.6, String.raw`${N_ES} (?:horas?|dias?|semanas?) de (?:retraso|atraso)`),
  compile(-2.2, String.raw`(?:sigue|siguen|seguimos|sigo|continua|continuan) sin ${WORD}`),
  compile(-2.0, String.raw`(?:intente|he intentado|intentamos|hemos intentado|trate de|probe|he probado)(?: ${WORD}){1,6}(?= pero )`),
  // "Siguen pidiendo", "sigue fallando", "el pedido sigue en el almacén": something that should have ended.
  compile(-1.4, String.raw`(?:me |nos )?(?:sigue|siguen|continua|continuan) (?:\w+ando|\w+iendo|en el|en la|parad[oa]|pendiente|atascad[oa]|igual|retenid[oa]|bloquead[oa])`),
  compile(-1.4, String.raw`solo (?:funciono|funcionaba|duro|llego|vino|tenia|abrio) (?:\w+ )?(?:una|un|uno|dos|medio|la mitad)`),
  compile(-1.8, String.raw`(?:llego|llegaron|llega|llegan|vino|vinieron|viene|vienen|entregaron) sin`),
  compile(-2.0, String.raw`(?:todavia|aun) (?:nada|nadie|sin)|nada (?:todavia|aun)|ni rastro|ni noticias|ninguna (?:respuesta|noticia|solucion)`),
  compile(-2.0, String.raw`nadie (?:me |nos )?(?:\w+ )?(?:contesta|contestan|responde|atiende|coge|llama|llamo|contesto|respondio|vino|viene|aparecio|ayuda|ayudo|devuelve|devolvio|soluciona|hace caso)`),
  compile(-1.6, String.raw`no (?:me |nos )?(?:han |ha )?(?:devuelto|devolvieron|devuelven) (?:la llamada|el dinero|el importe|nada)`),
  compile(-1.4, String.raw`no (?:aparece|aparecen|ha aparecido|se ve|se refleja|consta)`),
  compile(-1.8, String.raw`sin (?:previo )?(?:avisar\w*|aviso|explicacion\w*|consultar\w*|permiso|autorizacion|mi consentimiento|motivo)`),
  compile(-1.8, String.raw`(?:pedi|pedimos|encargue|compre|reserve|reservamos) ~5 (?:y |pero |, )(?:me |nos )?(?:mandaron|enviaron|llego|llegaron|entregaron|dieron|trajeron|vino|sirvieron)`),
  compile(-1.8, String.raw`en (?:vez|lugar) de ~4 (?:pedi|pedimos|compre|reserve|encargue)`),
  compile(-2.2, String.raw`(?:dejo|deja|dejaron|ha dejado|han dejado) de (?!llover|doler|molestar)\w+(?:ar|er|ir)`),
  compile(-1.8, String.raw`no (?:paso|ha pasado|pasa|cambio|ha cambiado|sirvio|ha servido) nada|nada (?:cambio|ha cambiado|funciona|paso)`),
  compile(-1.6, String.raw`(?:mandaron|enviaron|llego|trajeron|entregaron|dieron) (?:un |una )?(?:otr[oa]|equivocad[oa]) (?:modelo|talla|color|producto|articulo|cosa|pedido|plato|tamano)`),
  compile(-1.8, String.raw`(?:olia|huele|olian|huelen|apestaba|apesta) a`),
  compile(-1.4, String.raw`no (?:habia|tenia|tenian|hay|tiene|quedaba|quedaban) (?!problema|prisa|de que|inconveniente|cuidado|queja|nada que)${WORD}`),
  compile(-1.4, String.raw`(?:tuvimos|tuve|hemos tenido|he tenido) que (?:coger|tomar|pagar|comprar|llamar|esperar|buscar|dormir|reservar|alquilar|reclamar|tirar)`),
  compile(-1.6, String.raw`(?:explicado|explique|contado|repetido) ~4 (?:\d+|dos|tres|cuatro|cinco|seis|varios|varias|muchos|muchas) (?:agentes|personas|veces|operadores|personas distintas|agentes distintos)`),
  compile(-1.4, String.raw`no se (?:por que|el motivo|porque)|sin saber por que`),
  compile(-1.6, String.raw`(?:dejo|dejaron) (?:todo )?(?:sucio|lleno de|perdido|hecho un desastre)|lleno de agua`),
  compile(-1.6, String.raw`(?:oimos|oia|oiamos|escuchamos|escuchabamos|se oia|se oye|se escucha) ~5 toda la noche`),
  // A device or service doing something by itself: strong verbs alone, ambiguous ones ("se cierra",
  // also said of opening hours) only with "solo", "cada vez", "todas las noches"…
  compile(-1.6, String.raw`se (?:cuelga|cuelgan|colgo|bloquea|bloqueo|reinicia|desconecta|congela|traba|estropeo)`),
  compile(-1.6, String.raw`se (?:cierra|cierran|apaga|apagan|apago|corta|corto|cae|cayo|va) ~3 (?:sol[oa]s?|de golpe|cada|todo el rato|a cada rato|continuamente|constantemente|siempre|todas las|todos los)`),
  compile(-1.8, String.raw`no (?:me |nos )?(?:carga|cargan|abre|abren|enciende|encienden|arranca|conecta|conectan|existe|existen|anda|furula|deja (?:entrar|pagar|acceder|iniciar|conectar|reservar|comprar))`),
  compile(-2.0, String.raw`(?:sin|no (?:tengo|tenemos|hay)) (?:luz|agua|agua caliente|internet|senal|conexion|servicio|calefaccion|gas|linea|cobertura|electricidad|wifi)`),
  compile(-1.8, String.raw`nada (?:hasta ahora|todavia|aun|de nada)`),
  compile(-1.6, String.raw`(?:internet|conexion|wifi|senal|linea|luz|web|pagina|app|aplicacion|sistema|servidor) (?:\w+ )?(?:caid[oa]|se cae|se cayo|falla|fallando|cortad[oa])`),
  compile(-1.6, String.raw`(?:pago|tarjeta|transferencia|compra|cobro) (?:\w+ )?(?:rechazad\w*|fallid\w*|fallo|falla|denegad\w*)`),
  compile(-1.6, String.raw`se (?:calienta|recalienta|sobrecalienta)`),
  compile(-1.6, String.raw`(?:se queda|queda|se quedo) (?:cargando|pensando|colgad[oa]|en blanco|en negro|bloquead[oa]|congelad[oa])|pantalla (?:en blanco|en negro|negra)`),
  compile(-1.8, String.raw`(?:perdi|perdimos|he perdido|hemos perdido) (?:\w+ ){0,2}(?:dia|manana|tarde|tiempo|noche|fin de semana|vuelo|tren|cita)`),
  compile(-2.0, String.raw`(?:llevo|llevamos|ya van|van|estoy|estamos) ${N_ES} (?:minutos?|dias?|semanas?|mes|meses|horas?) (?:esperando|sin|intentando|llamando|escribiendo|reclamando|en espera|al telefono|colgad[oa])`),
  compile(-0.7, String.raw`hace ${N_ES} (?:dias?|semanas?|mes|meses) que`),
  compile(-1.4, String.raw`(?:intente|he intentado|intentamos|lo intente) ~2 (?:\d+|dos|tres|cuatro|varias|muchas|mil) veces`),
  compile(-2.0, String.raw`(?:quiero|exijo|exigimos|queremos) (?:un |el |mi |que me devuelvan el )?(?:reembolso|dinero)`),
  compile(-2.0, String.raw`no (?:es|era|son|eran) (?:el|la|lo|los|las) (?:\w+ ){0,2}que (?:pedi|pedimos|compre|compramos|encargue|reserve|reservamos|elegi)`),
  compile(-1.8, String.raw`(?:el )?mismo (?:problema|fallo|defecto|error|ruido|golpe|dano)|la misma (?:averia|fuga|rotura|mancha)`),
  compile(-1.6, String.raw`(?:seguimos|sigo|sigue|siguen|todo sigue|esta) (?:igual|como antes|en las mismas)`),
  compile(-1.8, String.raw`no (?:venia|vino|estaba|venian|vinieron|estaban) (?:dentro|en la caja|en el paquete|en la bolsa|en el pedido)`),
  compile(-2.2, String.raw`(?:cobr|factur|carg|descont)\w* ~4 que (?:ya )?(?:cancele|cancelamos|habia cancelado|di de baja|anule|devolvi|no pedi|nunca pedi|no hice)`),
  // Failing again: "se volvió a cortar la luz", "volvió a fallar".
  compile(-1.8, String.raw`(?:se )?(?:volvio|vuelve|ha vuelto|volvieron|vuelven) a (?:cortar|caer|colgar|bloquear|apagar|romper|estropear|fallar|averiar|inundar)\w*`),
  RHETORICAL[1],
  compile(-1.2, String.raw`(?:me |nos )?(?:dijeron|dijo|aseguraron|aseguro|prometieron|prometio) que (?:ya )?(?:estaba|estaria|quedaba|quedaria|esta|estara) (?:todo )?(?:resuelto|solucionado|arreglado|reparado)`),
  compile(-2.0, String.raw`(?:vino|viene|llego|llega|me cobraron|cobraron|es) (?:el |al )?doble|me (?:colgaron|cuelgan|colgo|cuelga) (?:el telefono|la llamada)?`),
];

const PT: Situation[] = [
  compile(-2.4, String.raw`(?:cobrad\w*|cobraram|cobrou|debitad\w*|debitaram|descontad\w*|descontaram|cobranca) ~3 (?:duas vezes|em dobro|dobrad\w*|duplicad\w*|tres vezes)|(?:cobranca|debito|pagamento) (?:duplicad\w*|em dobro|dupla)`),
  compile(-2.2, String.raw`(?:continua|continuam|continuaram|seguem|segue|estao|vivem) (?:me )?(?:cobrando|debitando|descontando|faturando|tirando)`),
  compile(-2.2, String.raw`(?:cobrad\w*|cobraram|debitad\w*|debitaram|descontaram) ~3 (?:depois|apos) (?:de )?(?:cancelar|eu cancelar|o cancelamento|cancelamento|encerrar)`),
  compile(-1.8, String.raw`(?:chegou|chegaram|veio|vieram|entregue\w*|recebi) (?:\w+ )?(?:abert\w*|quebrad\w*|amassad\w*|danificad\w*|vazi\w*|rasgad\w*|violad\w*|incomplet\w*|molhad\w*|fri[oa]s?|derretid\w*|estragad\w*|revirad\w*|trincad\w*|rachad\w*)`),
  compile(-1.6, String.raw`falt(?:ando|aram|ou|avam|am|a) (?:\w+ )?(?:um|uma|dois|duas|tres|o|a|os|as|itens|pecas|produtos|coisas|algum\w*)`),
  compile(-1.8, String.raw`nao (?:veio|vieram|estava|estavam|chegou|chegaram|vinha) (?:o|a|os|as|nenhum\w*|nada)`),
  compile(-1.8, String.raw`(?:chegou|chegaram|veio|vieram|apareceu|entregaram|saiu) ~2 ${N_PT} (?:minutos?|horas?|dias?|semanas?) (?:depois|atrasad\w*|de atraso|mais tarde)`),
  compile(-1.6, String.raw`${N_PT} (?:horas?|dias?|semanas?) (?:de atraso|atrasad\w*)`),
  compile(-2.0, String.raw`(?:ate agora|ate hoje|ainda|e) nada|nada ainda|nem sinal|nenhuma (?:resposta|noticia|previsao|solucao)|nenhum (?:retorno|contato|sinal)|sem (?:resposta|retorno|noticias|solucao)`),
  compile(-2.0, String.raw`(?:continua|continuam|segue|seguem|sigo|continuo) sem ${WORD}`),
  compile(-2.0, String.raw`(?:tentei|tentamos|ja tentei|testei)(?: ${WORD}){1,6}(?= mas )`),
  compile(-1.4, String.raw`(?:me |nos )?(?:continua|continuam|segue|seguem) (?:me )?(?:\w+ando|\w+endo|\w+indo|parad[oa]|pendente|travad[oa]|igual|retid[oa]|bloquead[oa]|no|na|em)`),
  compile(-1.4, String.raw`so (?:funcionou|funcionava|durou|chegou|veio|tinha|abriu) (?:\w+ )?(?:uma|um|duas|dois|meia|metade)`),
  compile(-1.8, String.raw`(?:chegou|chegaram|veio|vieram|entregaram) sem`),
  compile(-2.0, String.raw`ninguem (?:me |nos )?(?:\w+ )?(?:atende|atendeu|responde|respondeu|retorna|retornou|liga|ligou|apareceu|veio|resolve|resolveu|ajuda|ajudou)`),
  compile(-1.8, String.raw`nao (?:caiu|entrou|voltou|apareceu|retornou|foi estornado|foi devolvido|foi reembolsado|me ligaram|retornaram)`),
  compile(-1.8, String.raw`sem (?:aviso|avisar|aviso previo|nenhum aviso|explicacao|motivo|autorizacao|consentimento|me avisar|avisarem)`),
  compile(-1.8, String.raw`(?:pedi|pedimos|comprei|encomendei|reservei|reservamos) ~5 (?:e |mas |, )(?:me |nos )?(?:mandaram|enviaram|veio|vieram|chegou|chegaram|recebi|entregaram|deram|trouxeram)`),
  compile(-1.8, String.raw`(?:em vez|no lugar) d[eoa]s? ~4 (?:pedi|comprei|reservei|encomendei)`),
  compile(-2.2, String.raw`(?:parou|parar|deixou|deixa|parando) de (?!chover|doer)\w+(?:ar|er|ir)`),
  compile(-1.8, String.raw`nada (?:aconteceu|mudou|funciona|resolveu)|nao (?:aconteceu|mudou|resolveu|adiantou) nada`),
  compile(-1.6, String.raw`(?:mandaram|enviaram|veio|chegou|entregaram) (?:um |uma )?(?:outr[oa]|errad[oa]) (?:modelo|tamanho|cor|produto|item|pedido|prato)`),
  compile(-1.8, String.raw`(?:cheirava|cheira|fedia|fede|fedendo|cheirando) a`),
  compile(-1.4, String.raw`(?:nao (?:tinha|havia|tem|ha)|estava sem|estavam sem) (?!problema|pressa|de que|perigo|nada de mais)${WORD}`),
  compile(-1.4, String.raw`(?:tivemos|tive) que (?:pegar|pagar|comprar|ligar|esperar|procurar|dormir|reservar|alugar|reclamar|jogar)`),
  compile(-1.6, String.raw`(?:expliquei|explicado|contei|repeti) ~4 (?:\d+|dois|duas|tres|quatro|cinco|seis|varios|varias|muitos|muitas) (?:atendentes|pessoas|vezes|agentes|operadores)`),
  compile(-1.4, String.raw`nao sei (?:o motivo|por que|porque|o porque)|sem saber (?:o motivo|por que)`),
  compile(-1.6, String.raw`deixou (?:tudo |o chao )?(?:sujo|molhado|bagun\w+|alagado)|(?:todo|toda) molhad[oa]`),
  compile(-1.6, String.raw`(?:ouvimos|ouvia|ouviamos|escutamos|da pra ouvir) ~5 (?:a noite (?:inteira|toda)|toda a noite)`),
  compile(-1.8, String.raw`(?:fecha|trava|travou|desliga|desligou|reinicia|reiniciou|cai|caiu|desconecta|apaga|apagou) (?:sozinh\w*|do nada|toda hora|o tempo todo|a toda hora|direto|toda vez|sempre)`),
  compile(-1.8, String.raw`nao (?:carrega|carregam|abre|abrem|liga|ligam|conecta|conectam|existe|existem|acende|consigo (?:entrar|acessar|pagar|logar|usar|abrir|finalizar)|deixa (?:entrar|pagar|acessar))`),
  compile(-1.8, String.raw`(?:internet|sinal|conexao|wifi|luz|energia|sistema|site|app|aplicativo|servidor|rede|linha) (?:\w+ )?(?:cai|caiu|caindo|fora do ar|oscilando|instavel)`),
  compile(-2.0, String.raw`(?:sem|nao (?:tenho|temos|tem|ha)) (?:luz|agua|agua quente|internet|sinal|energia|conexao|gas|rede|servico|linha)`),
  compile(-1.8, String.raw`nada (?:ate agora|ate hoje|ainda)`),
  compile(-1.6, String.raw`(?:esquenta|aquece) (?:muito|demais|bastante)|superaquec\w*`),
  compile(-1.6, String.raw`fica (?:carregando|travad[oa]|em branco|rodando|girando|pensando)|tela (?:preta|branca|em branco)`),
  compile(-1.6, String.raw`(?:pagamento|cartao|pix|transferencia|compra|boleto) (?:\w+ )?(?:recusad\w*|negad\w*|falhou|nao passa|nao passou|deu erro)`),
  compile(-1.8, String.raw`(?:perdi|perdemos) (?:\w+ ){0,2}(?:dia|manha|tarde|noite|tempo|voo|consulta|fim de semana)`),
  compile(-2.0, String.raw`(?:estou|to|ta|tamos|estamos) (?:ha )?${N_PT} (?:minutos?|dias?|semanas?|mes|meses|horas?) (?:esperando|sem|tentando|aguardando|na espera|na linha|no telefone)`),
  compile(-0.7, String.raw`(?:faz|ha) ${N_PT} (?:dias?|semanas?|mes|meses) (?:que|e)`),
  compile(-1.4, String.raw`tentei ~2 (?:\d+|duas|tres|quatro|varias|muitas|mil) vezes`),
  compile(-2.0, String.raw`(?:quero|exijo|queremos) (?:o |meu |o meu |um )?(?:reembolso|estorno|dinheiro)`),
  compile(-2.0, String.raw`nao (?:e|era|sao|eram) (?:o|a|os|as) (?:\w+ ){0,2}que (?:pedi|pedimos|comprei|compramos|encomendei|reservei|escolhi)`),
  compile(-1.8, String.raw`(?:o )?mesmo (?:problema|defeito|erro|barulho|vazamento|dano)|a mesma (?:falha|avaria|mancha|rachadura)`),
  compile(-1.8, String.raw`nao (?:veio|vinha|estava|vieram|estavam) (?:dentro|na caixa|no pacote|na embalagem|no pedido)`),
  compile(-2.2, String.raw`(?:cobr|fatur|debit|descont)\w* ~4 que (?:eu )?(?:ja )?(?:cancelei|cancelamos|devolvi|nao pedi|nunca pedi|nao fiz|nao reconheco)`),
  RHETORICAL[2],
  compile(-1.2, String.raw`(?:me |nos )?(?:disseram|disse|garantiram|garantiu|prometeram|prometeu) que (?:ja )?(?:estava|estaria|ficaria|esta|ia ficar) (?:tudo )?(?:resolvid[oa]|consertad[oa]|arrumad[oa]|corrigid[oa])`),
  compile(-2.0, String.raw`(?:veio|vem|chegou|cobraram|cobrou|e) (?:o |em )?(?:dobro|duplicad[oa])|(?:desligam|desligou|desligaram|desliga) (?:o telefone )?na (?:minha|nossa) cara`),
];

const FR: Situation[] = [
  compile(-2.4, String.raw`(?:debite|debitee|preleve|prelevee|facture|facturee|encaisse|paye|payee) ~3 (?:deux fois|en double|2 fois|trois fois)|(?:double|doubles) (?:prelevements?|debits?|facturation|paiements?)`),
  compile(-2.2, String.raw`(?:continue|continuez|continuent|continuer) (?:a|de) (?:me |nous )?(?:prelever|facturer|debiter|faire payer|encaisser)|(?:toujours|encore) (?:preleve|debite|facture)`),
  compile(-2.2, String.raw`(?:debite|preleve|facture|debitee|prelevee|facturee) ~3 apres (?:la |l'|ma |mon |avoir )?(?:resiliation|annulation|resilie|annule|desabonnement|cloture)`),
  compile(-1.8, String.raw`(?:arrive|arrivee|arrives|arrivees|livre|livree|recu|recue) (?:\w+ )?(?:ouvert\w*|casse\w*|abime\w*|ecrase\w*|dechire\w*|vide\w*|endommage\w*|incomplet\w*|mouille\w*|froid\w*|fondu\w*|renverse\w*|fissure\w*)`),
  compile(-1.6, String.raw`(?:il )?manqu(?:e|ent|ait|aient) (?:\w+ )?(?:un|une|deux|trois|des|le|la|les|plusieurs|certains|articles|pieces|produits)`),
  compile(-1.8, String.raw`(?:arrive|arrivee|arrives|livre|livree|venu|venue|recu|recue) sans`),
  compile(-1.6, String.raw`(?:est|sont|reste|restent) toujours (?:a l'\w+|a la|au|aux|en attente|bloque\w*|en cours|en preparation|chez)|redemand\w*|encore et encore`),
  compile(-1.4, String.raw`(?:n'a|n'ont|n'ai|n'avons) pas pu|(?:n'a|n'ont) (?:marche|fonctionne|dure|tenu) qu`),
  compile(-1.8, String.raw`(?:arrive|arrivee|arrives|venu|venue|livre|livree|passe) ~2 ${N_FR} (?:minutes?|heures?|jours?|semaines?) (?:plus tard|de retard|apres|en retard)|${N_FR} (?:heures?|jours?|semaines?) de retard`),
  compile(-2.0, String.raw`toujours (?:rien|pas|aucun\w*|sans)|sans (?:nouvelles|reponse|retour|suite)|aucune (?:reponse|nouvelle)|aucun (?:retour|rappel|suivi)|pas de (?:reponse|retour|rappel)`),
  compile(-1.4, String.raw`nulle part`),
  compile(-1.4, String.raw`(?:n'avait|n'y avait|n'y a|n'avaient) (?:pas|plus) (?:de |d')(?!probleme|souci|soucis|quoi)${WORD}|il n'y avait (?:pas|plus) (?:de |d')${WORD}`),
  compile(-1.4, String.raw`(?:on a du|nous avons du|j'ai du) (?:prendre|payer|acheter|appeler|attendre|chercher|dormir|reserver|louer|relancer|jeter)`),
  compile(-1.6, String.raw`explique ~4 (?:\d+|deux|trois|quatre|cinq|six|plusieurs) (?:conseillers|personnes|fois|agents|interlocuteurs)`),
  compile(-1.4, String.raw`(?:je ne sais pas|sans savoir|sans comprendre) pourquoi`),
  compile(-1.6, String.raw`de l'eau partout|(?:a laisse|ont laisse) (?:de l'eau|des traces|tout sale|un bazar)`),
  compile(-1.6, String.raw`(?:entendu|entendait|entend|entendions) ~5 toute la nuit`),
  compile(-2.0, String.raw`(?:j'ai essaye|j'ai tente|nous avons essaye|on a essaye|j'ai teste)(?: ${WORD}){1,6}(?= mais )`),
  compile(-2.0, String.raw`personne ne (?:\w+ )?(?:repond|decroche|rappelle|m'a|nous a|est venu|vient|s'occupe|aide|m'aide|me repond|nous repond)`),
  compile(-1.8, String.raw`(?:n'est|n'etait|ne sont|ne s'est) jamais (?:venu|venue|arrive|arrivee|passe|passee|livre|livree)|jamais (?:rappele|recu|arrive|arrivee|rembourse|venu|livre)`),
  compile(-1.8, String.raw`sans (?:prevenir|preavis|m'avertir|nous avertir|avertissement|explication|raison|motif|mon accord|autorisation|me prevenir|nous prevenir)`),
  compile(-1.8, String.raw`(?:j'ai commande|nous avons commande|j'avais commande|j'ai reserve|j'ai achete) ~5 (?:et |mais |, )(?:j'ai recu|on m'a apporte|on nous a apporte|on a recu|nous avons recu|on m'a envoye|vous m'avez envoye|m'avez envoye|recu|on m'a livre|j'ai eu)`),
  compile(-1.8, String.raw`au lieu d[eu']s? ~4 (?:commande|reserve|achete|demande)`),
  compile(-2.2, String.raw`(?:marche|fonctionne|marchent|fonctionnent) plus|(?:a|ont) cesse de (?:fonctionner|marcher)|en panne|hors service`),
  compile(-1.6, String.raw`ne (?:se |s')?(?!sais|veux)\w+ plus|(?:a|ont) cesse de \w+(?:er|ir|re)`),
  compile(-1.8, String.raw`rien (?:n'a change|ne s'est passe|ne marche|ne fonctionne|n'a marche|n'a fonctionne)|il ne s'est rien passe|(?:n'a|n'ont) rien (?:change|resolu|donne)`),
  compile(-1.6, String.raw`(?:envoye|recu|livre|livree|donne) (?:un |une )?autre (?:modele|taille|couleur|produit|article|commande|plat)`),
  compile(-1.8, String.raw`(?:sentait|sent|puait|pue|puent|sentaient) (?:le|la|l'\w+|les|bizarre|mauvais|fort|l'egout|le tabac)`),
  compile(-1.8, String.raw`(?:se ferme|s'eteint|plante|redemarre|se deconnecte|coupe|saute|bug|bugue|beugue|crashe) (?:tout seul|toute seule|tous les|toutes les|sans arret|a chaque fois|tout le temps|en permanence|constamment|sans cesse|regulierement)`),
  compile(-1.8, String.raw`(?:l')?(?:internet|connexion|box|wifi|reseau|ligne|courant|electricite|site|appli|application|serveur|logiciel|systeme) (?:\w+ )?(?:coupe|saute|plante|bugue|beugue|crashe|rame|tombe|est coupee?|est en panne)`),
  compile(-1.8, String.raw`ne (?:se )?(?:charge|chargent|s'ouvre|s'ouvrent|s'allume|s'allument|demarre|demarrent|connecte|connectent|s'affiche|s'affichent|se lance)|n'existe\w*|n'apparai\w*|n'arrive\w*`),
  compile(-2.0, String.raw`(?:sans|pas de|pas d'|plus de|plus d'|toujours pas de|toujours pas d') ?(?:electricite|courant|eau|eau chaude|internet|reseau|chauffage|connexion|wifi|ligne|telephone)`),
  compile(-1.8, String.raw`rien (?:pour l'instant|jusqu'a present|depuis|a ce jour)`),
  compile(-1.6, String.raw`chauffe (?:enormement|beaucoup|trop|anormalement)|surchauffe\w*`),
  compile(-1.6, String.raw`tourne en boucle|(?:reste|page|ecran) (?:blanche?|noire?|bloquee?|figee?)|ecran (?:noir|blanc)`),
  compile(-1.6, String.raw`(?:paiement|carte|virement|transaction|prelevement) (?:\w+ )?(?:refuse\w*|rejete\w*|echoue|a echoue|ne passe pas)`),
  compile(-1.8, String.raw`(?:perdu|gache) (?:\w+ ){0,2}(?:journee|matinee|apres midi|soiree|temps|vol|week end|rendez vous)`),
  compile(-2.0, String.raw`(?:j'attends|on attend|nous attendons|j'essaie|j'essaye) depuis ${N_FR}`),
  compile(-0.7, String.raw`(?:ca fait|cela fait|il y a) ${N_FR} (?:jours?|semaines?|mois) (?:que|et)`),
  compile(-1.4, String.raw`(?:essaye|essaie|tente) ~2 (?:\d+|deux|trois|quatre|plusieurs) fois`),
  compile(-2.0, String.raw`(?:je veux|j'exige|nous voulons|nous exigeons) (?:etre rembourse\w*|un remboursement|mon remboursement|mon argent)`),
  compile(-2.0, String.raw`(?:ce n'est|c'est|ce n'etait|c'etait) pas (?:le|la|les|ce) (?:\w+ ){0,2}que (?:j'ai|nous avons|j'avais) (?:commande|reserve|achete|choisi|demande)`),
  compile(-1.8, String.raw`(?:le |la )?(?:meme|memes) (?:probleme|defaut|souci|panne|erreur|bruit|fuite|degat)s?`),
  compile(-1.8, String.raw`(?:n'etait|n'etaient|n'est|ne sont|n'y etait|n'y etaient) pas (?:dedans|dans (?:le|la) (?:colis|boite|carton|paquet|sac|commande))`),
  compile(-2.2, String.raw`(?:factur|debit|prelev)\w* ~4 (?:que|qu') ?(?:j'avais|j'ai|nous avions|nous avons) (?:deja )?(?:annule|resilie|renvoye|retourne)`),
  compile(-1.8, String.raw`(?:a|ont|avait) (?:encore |de nouveau |a nouveau |souvent |toujours )?(?:plante|crashe|bugue|beugue|lache)`),
  RHETORICAL[3],
  compile(-1.2, String.raw`(?:on m'a dit|ils m'ont dit|on m'avait dit|on m'a assure|on m'avait promis|vous m'aviez dit|vous m'avez dit) (?:que )?(?:c'etait|c'est|ce serait|tout etait|ce sera) (?:bien )?(?:repare|regle|resolu|corrige)`),
  compile(-2.0, String.raw`(?:est|etait|arrive|arrivee|facture|facturee) (?:le |au )?double|(?:raccroche|raccrochent|raccroche) au nez`),
];

/**
 * All four lists: a mixed-language message ("la box coupe, still nothing") is read with each. Each
 * language's good outcomes (outcomes.ts) share its regex: one scan per language, not two. They come
 * first, so at one position the more specific outcome wins ("the internet doesn't drop any more",
 * "ne fuit plus" over "doesn't … any more", "ne … plus").
 */
export const SITUATIONS: readonly SituationSet[] = [EN, ES, PT, FR].map((list, k) => combine([...OUTCOMES[k], ...list]));

/**
 * Words that ask for something (refund, cancel…) more often than they complain: inside a question
 * or a polite request ("how do I cancel my booking?", "¿puedo pedir un reembolso?") they count 0.
 */
export const REQUEST_WORDS = new Set([
  'refund', 'refunds', 'cancel', 'cancellation', 'reembolso', 'reembolsos', 'devolucion', 'cancelar', 'cancelacion',
  'estorno', 'devolucao', 'cancelamento', 'remboursement', 'rembourse', 'remboursee', 'annuler', 'annulation',
]);

/** Openers of a polite request (folded, whole words): the sentence asks, it does not complain. */
export const REQUEST = /(?<![\p{L}'])(?:please|pls|let me know|i'd like|i would like|i want to|we'd like|we would like|how do i|how can i|can i|could i|could you|can you|por favor|quisiera|me gustaria|nos gustaria|como puedo|como hago|puedo|podria|gostaria|como faco|como posso|posso|poderia|por gentileza|s'il vous plait|svp|je voudrais|j'aimerais|je souhaite|nous souhaitons|comment|est ce que|pourriez|pouvez)(?![\p{L}'])/u;

/** In a question, these make it a complaint ("why has nobody replied?", "¿todavía nada?"). */
export const COMPLAINING_QUESTION = new RegExp(String.raw`(?<![\p{L}'])(?:why|how come|por que|porque|como es posible|pourquoi|comment se fait|still (?:no|not|nothing|waiting)|todavia (?:no|nada)|aun (?:no|nada)|ainda (?:nao|nada)|toujours (?:pas|rien)|again|otra vez|de nuevo|de novo|encore(?! (?:des|du|de|d'|un|une|disponible|possible|ouvert|ouverte|valable|le temps))|where is my|where's my|donde esta mi|cade|ou est (?:ma|mon))(?![\p{L}'])|\?{2,}|(?<![\p{L}'])(?:${RHETORICAL.map((r) => r.source).join('|')})(?![\p{L}'])`, 'u');

/**
 * A supposition inside a question ("what if…", "si llega dañado", "se chegar", "si le colis arrive", "en cas de"),
 * or a question about what usually happens ("how long does a repair usually take for a cracked screen?",
 * "¿cuánto suele tardar…?", "quanto tempo costuma levar…?", "combien de temps prend en général…?"): the bad
 * word names a case, not the customer's complaint.
 */
export const HYPOTHETICAL = /(?<![\p{L}'])(?:if|in case|what if|si|en caso de|se|caso|en cas de|au cas ou|usually|normally|typically|generally|in general|suele|suelen|normalmente|generalmente|por lo general|costuma|costumam|geralmente|en general|generalement|habituellement|d'habitude|d'ordinaire)(?![\p{L}'])/u;
