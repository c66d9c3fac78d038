// Good outcomes told as facts. Satisfied customers often write no praise word at all: they report
// that the thing arrived whole, works again, was fixed in one call, that the money is back or the
// error is gone ("the heating is running again", "llegó con todas las piezas", "o erro sumiu",
// "rien ne manque"). Each word is neutral (or, like "error", "sumiu", negative), so these are
// patterns in the language of situations.ts (patterns.ts), one list per language, scanned in the
// same regex as that language's bad situations.
//
// A match is good news only when it is told as having happened. The analyzer drops it when a
// negation stands just before it ("hasn't arrived in one piece"), or earlier in its sentence a
// supposition or a wish ("if it arrives intact", "espero que vuelva a funcionar"); in a question it
// weighs as little as any praise in a question ("has it been fixed yet?"). Gaps (`~N `) skip no
// negation word (compileOutcome).
//
// Valences: +1.8 for a problem plainly over (works again, money back, the leak is gone), +1.6 for
// a delivery or repair that went as it should (whole, complete, on time, in one call).
import { compileOutcome as outcome, type Situation } from './patterns';

/** Things that work, run, heat… — what a repair or a restored service brings back. */
const RUN_EN = String.raw`(?:works|working|worked|runs|running|ran|boots|booting|connects|connecting|connected|loads|charges|charging|prints|printing|flushes|locks|syncs|syncing|starts up|turns on|goes)`;
/** Problems that can be over: "the leak is gone", "el ruido desapareció", "o erro sumiu", "l'erreur a disparu". */
const TROUBLE_EN = String.raw`(?:leak|leaking|noise|rattle|squeak|smell|stain|error|errors|error message|warning|problem|problems|issue|issues|bug|glitch|fault|crack|mould|mold|damp|pain|drip|dripping|flicker|flickering)`;
const TROUBLE_ES = String.raw`(?:fuga|gotera|goteo|ruido|ruidito|olor|mancha|error|errores|aviso|mensaje de error|problema|problemas|fallo|fallos|averia|humedad|moho|pitido|parpadeo)`;
const TROUBLE_PT = String.raw`(?:vazamento|goteira|barulho|barulhinho|cheiro|mancha|erro|erros|aviso|mensagem de erro|problema|problemas|falha|falhas|defeito|bug|mofo|umidade|chiado)`;
const TROUBLE_FR = String.raw`(?:l'|d')?(?:fuite|bruit|odeur|tache|erreur|erreurs|message d'erreur|probleme|problemes|souci|soucis|bug|panne|defaut|moisissure|humidite|gresillement|clignotement)`; // "l'erreur" is one token
/** Utilities and services that can come back ("the internet is back", "volvió la luz"). */
const SERVICE = String.raw`(?:internet|wifi|wi fi|connection|conexion|conexao|connexion|power|electricity|luz|energia|electricite|courant|water|agua|eau|heating|calefaccion|aquecimento|chauffage|signal|senal|sinal|network|red|rede|reseau|line|linea|linha|ligne|site|website|web|app|aplicacion|aplicativo|appli|application|system|sistema|systeme|service|servicio|servico|tv|tele|television)`;

const EN: Situation[] = [
  // Working again, or working as it should.
  outcome(1.8, String.raw`${RUN_EN} (?:again|fine|normally|perfectly|properly|smoothly|flawlessly|like new|like a charm|as it should|as normal|without (?:a |any )?(?:problem|problems|issue|issues|hiccup|hiccups|glitch|glitches|trouble))|(?:heats|heats up|heating up|cools|cools down|drains|loads|charges) (?:up )?(?:normally|fine|properly|perfectly)|(?:back (?:up and running|online|to normal|on)|up and running)|${SERVICE} (?:is |are |'s |came |has come |have come )?(?:finally )?back(?! to (?:square|the start))`),
  // A problem over: "the leak under the sink is gone", "problem solved".
  outcome(1.8, String.raw`${TROUBLE_EN} ~4 (?:is |are |has |have |'s )?(?:now |finally |completely |totally |all |already )?(?:gone|disappeared|vanished|stopped|been fixed|been solved|been resolved|been sorted|fixed|solved|resolved|sorted|sorted out)`),
  // A fault that no longer happens: "no longer leaks", "stopped dripping", "the wifi doesn't drop any more".
  outcome(1.8, String.raw`(?:no longer|doesn't|does not|don't|do not|isn't|won't|stopped) (?:leak|leaks|leaking|drip|drips|dripping|crash|crashes|crashing|freeze|freezes|freezing|drop|drops|dropping|cut out|cuts out|cutting out|overheat|overheats|overheating|rattle|rattles|rattling|disconnect|disconnects|disconnecting|flicker|flickers|flickering|beep|beeps|beeping)(?: any ?more)?(?<=no longer \w+|stopped \w+|any ?more)`),
  outcome(1.6, String.raw`without (?:a |any )?(?:single )?(?:hiccup|hiccups|hitch|hitches|glitch|glitches|problem|problems|issue|issues|trouble)|free of charge|at no (?:extra |additional )?cost|no extra charge`),
  // Money back where it belongs.
  outcome(1.8, String.raw`(?:refund|money|reimbursement|credit|replacement) (?:has |have |finally |just |already )*(?:came through|come through|arrived|landed|went through|gone through|been received|showed up|turned up|appeared|is showing|shows up|hit my account)|(?:money|refund|amount|deposit|credit|charge) (?:is|was|has been|came|went|'s) (?:\w+ )?back|back (?:in|on|into) my (?:account|card|statement)|(?:got|received|have) (?:my|the|our) (?:money|refund|deposit) back|(?:refunded|reimbursed|credited) (?:me|us|my account|my card|in full|the full)`),
  // Arrived as it should: whole, complete, early, as described.
  outcome(1.6, String.raw`(?:arrived|came|got here|showed up|turned up|was delivered|were delivered|got delivered|landed|reached me) ~3 (?:in one piece|intact|safely|safe and sound|in (?:perfect|great|good|mint|excellent) condition|undamaged|complete|on time|early|ahead of schedule|earlier than expected|sooner than expected|as described|as promised|as ordered|well packed|well packaged)`),
  outcome(1.6, String.raw`in one piece|safe and sound|in (?:perfect|mint) condition|without a (?:single )?scratch|nothing (?:was |is )?missing|(?:everything|all) (?:was |is )?(?:there|accounted for|in place|present and correct)|exactly (?:right|as (?:described|pictured|shown|promised|ordered)|what i (?:ordered|wanted|needed|asked for))|just as (?:described|promised|pictured)|(?:as )?good as new|ahead of schedule|(?:on|at) the first (?:try|attempt|go)|first time round`),
  // Fixed quickly, in one call.
  outcome(1.8, String.raw`(?:fixed|sorted|solved|resolved|repaired|replaced|handled|corrected|changed|refunded|sorted out) ~4 (?:in|within|under) (?:\d+|a|one|two|three|five|ten|fifteen|twenty|thirty|a few|half an) (?:minutes?|mins?|hours?|day|call|phone call|visit|email)|(?:fixed|sorted|solved|resolved|repaired|corrected|sorted out) ~4 (?:straight away|right away|the same day|same day|on the spot|in one go|with one call|in a single call)`),
  // "I was finally able to log in": what did not work, now done.
  outcome(1.6, String.raw`(?:i was (?:finally |now )?able to|i can (?:finally |now )?|i could (?:finally )?|we can (?:finally |now )?) (?:log in|login|log back in|sign in|access|connect|pay|check in|get in|use it|use the app)`),
  outcome(1.6, String.raw`(?:payment|card|transfer|transaction|order|booking) ~2 (?:went through|was accepted|got accepted|was approved|got approved|is confirmed|was confirmed)`),
];

const ES: Situation[] = [
  // Vuelve a funcionar; funciona bien, como nuevo; volvió la luz.
  outcome(1.8, String.raw`(?:vuelve|volvio|ha vuelto|volvieron|vuelven|han vuelto) a (?:funcionar|calentar|enfriar|encender|arrancar|cargar|conectar|andar|ir bien|tener (?:${SERVICE}|agua caliente|cobertura|gas))|(?:vuelvo|volvemos|volvimos|he vuelto|hemos vuelto) a tener (?:${SERVICE}|agua caliente|cobertura|gas)|(?:ya )?(?:funciona|funcionan|funciono|anda|andan|va|van|arranca|enciende|carga|conecta) (?:otra vez|de nuevo|bien|perfecto|perfectamente|genial|normal|normalmente|como (?:nuev[oa]s?|siempre|antes|la seda)|sin (?:ningun )?(?:problemas?|fallos?))|(?:volvio|ha vuelto|regreso) (?:el |la )?${SERVICE}|(?:el |la )?${SERVICE} (?:ya )?(?:volvio|ha vuelto|regreso|esta de vuelta|se restablecio)|ya (?:hay|tenemos|tengo) (?:${SERVICE}|agua caliente)`),
  outcome(1.8, String.raw`ya no (?:me |nos )?(?:gotea|gotean|pierde agua|se cae|se caen|se cuelga|se corta|se bloquea|se apaga|se reinicia|se desconecta|se calienta|hace ruido|hace ese ruido|falla|fallan|pita|parpadea)|(?:sin|sin ningun) (?:coste|costo|cargo|recargo|cargo adicional|coste adicional)`),
  outcome(1.8, String.raw`${TROUBLE_ES} ~3 (?:ya )?(?:desaparecio|ha desaparecido|se fue|se ha ido|paro|ha parado|se soluciono|se arreglo|se resolvio|esta (?:resuelto|solucionado|arreglado)|quedo (?:resuelto|solucionado|arreglado))|ya no (?:sale|aparece|salta|hace|tiene|hay|da|me sale|me aparece|me da) (?:el |la |ese |esa |ningun |ninguna |mas |ese mensaje de )?${TROUBLE_ES}`),
  outcome(1.8, String.raw`(?:reembolso|dinero|devolucion|abono|importe) (?:ya )?(?:llego|ha llegado|entro|me llego|aparece|ya aparece|esta en mi cuenta)|(?:ya )?(?:me )?(?:llego|ha llegado|recibi) (?:ya )?(?:el|la) (?:reembolso|dinero|devolucion|abono)|(?:me |nos )?(?:devolvieron|han devuelto|reembolsaron|han reembolsado|reintegraron|abonaron|han abonado) (?:ya )?(?:el |la |todo el |mi |los )?(?:dinero|importe|reembolso|pago|cobro|cargo|total|euros|pesos)`),
  outcome(1.6, String.raw`(?:llego|llegaron|ha llegado|han llegado|recibi|recibimos|he recibido|vino|vinieron|entregaron) ~4 (?:(?:todo|toda) (?:bien|perfecto|correcto|en orden|completo)|perfect[oa]s?|intact[oa]s?|complet[oa]s?|en perfecto estado|en buen estado|sin (?:un |ningun )?(?:rasguno|golpe|dano|desperfecto)|a tiempo|a la hora|antes de (?:lo previsto|tiempo|la fecha|lo esperado|lo prometido)|con todas las piezas|con todo|bien embalad[oa]s?)`),
  outcome(1.6, String.raw`en perfecto estado|sin (?:un |ningun )?(?:rasguno|aranazo|desperfecto)|(?:no falta|no faltaba|no falto) nada|con todas las piezas|antes de lo previsto|tal (?:y )?como (?:dijeron|prometieron|se describe|lo describen|lo pedi|aparece en la foto)|como nuev[oa]s?|a la primera|todo (?:en orden|correcto|en su sitio)`),
  outcome(1.8, String.raw`(?:arreglad|solucionad|resuelt|corregid|cambiad|reparad|arreglaron|solucionaron|resolvieron|cambiaron|repararon|corrigieron|me lo arreglaron)\w* ~4 en (?:una sola llamada|una llamada|un momento|nada|el mismo dia|\d+ minutos|(?:cinco|diez|quince|veinte|pocos|unos) minutos)|(?:quedo|quedaron|fue|fueron|ha sido|han sido|esta|estan) (?:ya )?(?:corregid|arreglad|solucionad|resuelt|reparad)[oa]s?`),
  outcome(1.6, String.raw`(?:ya|por fin|al fin|finalmente) (?:puedo|pude|he podido|podemos|pudimos) (?:entrar|acceder|conectar\w*|pagar|iniciar sesion|usar\w*|reservar)|(?:pago|tarjeta|transferencia|reserva) ~2 (?:se acepto|fue aceptad[oa]|paso bien|quedo confirmad[oa]|esta confirmad[oa])`),
];

const PT: Situation[] = [
  outcome(1.8, String.raw`(?:voltou|voltaram|volta|voltam|ja voltou) a (?:funcionar|gelar|esquentar|aquecer|ligar|carregar|conectar|andar|pegar|rodar|ter (?:${SERVICE}|agua quente))|(?:ja )?(?:funciona|funcionando|funcionou|anda|andando|roda|rodando|liga|ligando|pega|pegando|carrega|carregando) (?:normal|normalmente|de novo|perfeitamente|certinho|direitinho|bem|numa boa|sem (?:nenhum )?(?:problemas?|falhas?)|como nov[oa])|(?:o |a )?${SERVICE} (?:ja )?(?:voltou|voltaram|retornou|normalizou|foi restabelecid[oa]|esta de volta)|voltou (?:o |a )${SERVICE}`),
  outcome(1.8, String.raw`(?:(?:o |a )?${SERVICE} )?nao (?:cai|caiu|trava|travou|vaza|pinga|goteja|desliga|falha|esquenta|reinicia|desconecta|apaga|oscila)\w* mais|(?:sem|sem nenhum) (?:custo|custo adicional|cobranca adicional|taxa)`),
  outcome(1.8, String.raw`${TROUBLE_PT} ~3 (?:ja |finalmente )?(?:sumiu|sumiram|desapareceu|desapareceram|acabou|parou|foi resolvid[oa]|foi consertad[oa]|foi corrigid[oa]|esta resolvid[oa])|nao (?:da|aparece|tem|apareceu|deu) mais (?:o |a |nenhum |nenhuma |aquele |aquela )?${TROUBLE_PT}`),
  outcome(1.8, String.raw`(?:reembolso|estorno|dinheiro|pix|valor|devolucao|credito|diferenca) ~3 (?:ja )?(?:caiu|chegou|entrou|voltou|foi creditado|apareceu|esta na (?:conta|fatura))|(?:ja )?(?:caiu|chegou|recebi) (?:o|a) (?:reembolso|estorno|dinheiro|devolucao)|(?:me )?(?:devolveram|estornaram|reembolsaram) (?:o |meu |o meu |todo o )?(?:dinheiro|valor|pagamento|total)`),
  outcome(1.6, String.raw`(?:chegou|chegaram|recebi|recebemos|veio|vieram|entregaram|entregue[s]?) ~4 (?:(?:tudo|toda) (?:certo|certinho|ok|no lugar|perfeito|em ordem|direitinho)|certinh[oa]s?|perfeit[oa]s?|intact[oa]s?|inteir(?:o|a|os|as|inho|inha)|complet[oa]s?|em perfeito estado|em bom estado|sem (?:nenhum )?(?:arranhao|dano|avaria|amassado)|no prazo|dentro do prazo|antes do prazo|antes do previsto|bem embalad[oa]s?|direitinho)`),
  outcome(1.6, String.raw`tudo (?:no lugar|certinho|em ordem|direitinho)|dentro do prazo|antes do prazo|em perfeito estado|nao falt(?:ou|a|ava) nada|inteirinh[oa]s?|como nov[oa]s?|novinh[oa] em folha|de primeira`),
  outcome(1.8, String.raw`(?:resolveram|resolveu|consertaram|consertou|trocaram|arrumaram|corrigiram|resolvid[oa]|consertad[oa]|arrumad[oa]|corrigid[oa]) ~4 (?:numa ligacao so|numa so ligacao|em uma ligacao|numa ligacao|na primeira ligacao|em \d+ minutos|em (?:cinco|dez|quinze|poucos|uns) minutos|na hora|no mesmo dia|rapidinho|de primeira)|(?:foi|foram|ficou|ficaram|esta|estao) (?:ja )?(?:resolvid|consertad|corrigid|arrumad)[oa]s?`),
  outcome(1.6, String.raw`(?:ja consigo|consegui|conseguimos|finalmente consegui|agora consigo) (?:entrar|acessar|logar|conectar|pagar|usar|abrir|finalizar)|(?:pagamento|cartao|pix|transferencia|reserva|pedido) ~2 (?:foi aprovad[oa]|foi aceit[oa]|passou|foi confirmad[oa]|esta confirmad[oa])`),
];

const FR: Situation[] = [
  outcome(1.8, String.raw`(?:refonctionne\w*|remarche\w*|(?:fonctionne|fonctionnent|marche|marchent|roule|roulent|tourne|tournent|demarre|s'allume|chauffe) (?:de nouveau |a nouveau |enfin )?(?:normalement|parfaitement|bien|nickel|sans (?:aucun )?(?:probleme|souci|bruit|accroc)|comme (?:neuve?s?|avant|sur des roulettes))|(?:fonctionne|fonctionnent|marche|marchent|roule|roulent) (?:de nouveau|a nouveau))|(?:l'|le |la )?${SERVICE} (?:est |sont )?(?:enfin |bien )?(?:revenue?s?|retablie?s?|de retour|rentree? dans l'ordre)|tout est rentre dans l'ordre`),
  outcome(1.8, String.raw`ne (?:se |s')?(?:fuit|fuient|goutte|gouttent|coule|plante|plantent|bugue|beugue|saute|coupe|bloque|grince|surchauffe|clignote|deconnecte|eteint|eteignent|ferme|bipe)\w* plus|sans (?:aucun )?(?:frais|supplement|cout supplementaire)`),
  outcome(1.8, String.raw`${TROUBLE_FR} ~3 (?:a |ont |est |sont |a ete |ont ete )?(?:enfin |bien |completement |totalement )?(?:disparue?s?|partie?s?|resolue?s?|reglee?s?|reparee?s?|corrigee?s?)|(?:n'ai plus|n'avons plus|n'y a plus|n'a plus|plus aucun|plus aucune) (?:de |d'|aucun |aucune )?${TROUBLE_FR}`),
  outcome(1.8, String.raw`(?:remboursement|argent|virement|avoir) (?:est |a ete |bien )*(?:arrive|recu|credite|passe|apparait|visible|sur mon compte)|(?:j'ai )?(?:bien )?recu (?:le|mon) (?:remboursement|virement|avoir)|(?:j'ai ete|nous avons ete|ils m'ont|vous m'avez|on m'a) (?:bien |enfin )?rembourse\w*`),
  outcome(1.6, String.raw`(?:arrive|arrivee|arrives|arrivees|recu|recue|recus|recues|livre|livree|livres|livrees) ~4 (?:intacte?s?|en (?:parfait|bon) etat|complete?s?|en entier|entiere?s?|en avance|a l'heure|dans les delais|avant la date|plus tot que prevu|comme (?:prevu|decrit|promis|sur la photo)|sans (?:une |la moindre |aucune )?(?:rayure|egratignure|casse)|bien emballee?s?|nickel)`),
  outcome(1.6, String.raw`rien ne manque|il ne manque rien|rien ne manquait|il ne manquait rien|tout y (?:est|etait)|dans les delais|en parfait etat|comme neu(?:f|ve)s?|du premier coup`),
  outcome(1.8, String.raw`(?:regle|resolu|repare|corrige|change|remplace|depanne)\w* ~4 (?:en (?:un seul|une seule|un|une) (?:appel|coup de fil|visite|echange)|en \d+ minutes|en (?:cinq|dix|quinze|quelques) minutes|dans la journee|le jour meme|sur le champ|tout de suite)`),
  outcome(1.6, String.raw`(?:j'ai (?:enfin )?pu |nous avons (?:enfin )?pu |je peux (?:enfin |de nouveau |a nouveau )?|on peut (?:enfin |de nouveau )?)(?:me |nous )?(?:connecter|reconnecter|acceder|payer|entrer|utiliser|reserver)|(?:paiement|carte|virement|reservation|commande) ~2 (?:est passee?|a ete acceptee?|a ete validee?|est confirmee?|a ete confirmee?)`),
];

/** EN, ES, PT, FR, in the order of situations.ts. */
export const OUTCOMES: readonly Situation[][] = [EN, ES, PT, FR];
