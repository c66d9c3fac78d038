// Spanish word lists of the local sentiment analyzer (Spain and Latin America), written for Parley.
// Keys are matched without accents; `name*` expands an -o adjective to -o/-a/-os/-as, `name+` adds the plural.
import type { LexiconSource } from './lexicon-types';

export const ES: LexiconSource = {
  code: 'es',
  stopWords:
    'el la los las un una unos unas y es son era fue que de del en por para con mi mis me no mas nos se lo le les su sus al muy pero como esta estaba estoy hay gracias hola yo tu usted ustedes ya porque cuando donde tengo tiene han he ha sin sobre este esto eso',
  words: `
    bueno*:1.9 buen:1.9 genial:3 excelente+:3.2 increible+:2.6 fantastico*:3.2 maravilloso*:3.2 perfecto*:2.8 perfectamente:2.4 precioso*:2.8 bonito*:2 lindo*:2.2 hermoso*:2.8 espectacular+:3 estupendo*:3 fenomenal+:3 impecable+:2.8
    encanta:3 encantan:3 encanto:3 encantado*:3 encantaron:3 gusta:1.8 gustan:1.8 gusto:1.8 gustaron:1.8 disfrutamos:2.3 disfrute:2.2 disfrutar:2 feliz:2.6 felices:2.6 contento*:2.4 satisfecho*:2 agradecido*:2.5 agradable+:2.2 comodo*:2 acogedor:2.2 acogedora:2.2
    amable+:2.2 atento*:2 servicial+:2.2 simpatico*:2.2 profesional+:1.6 rapido*:1.3 rapidamente:1.3 limpio*:1.6 facil+:1.4 claro*:0.8 rico*:2.4 delicioso*:2.9 sabroso*:2.4 caliente+:0.4 tranquilo*:1.2 seguro*:0.2 util+:1.8
    recomiendo:2.2 recomendable+:2.2 recomendado*:2 gracias:1.6 agradezco:2.2 agradecemos:2.2 resuelto*:1.5 solucionado*:1.5 arreglado*:1.3 funciona:0.6 funciono:0.8 mejor+:2.4 maravilla+:3 lujo:2.4 ok:0.5 vale:0.5 bien:1.6 fenomeno:1.6 chevere:2.6 guay:2.6 joya:2.4 ideal:2.2 ideales:2.2 enhorabuena:2.6 felicidades:2.6 eficiencia:1.6 eficiente+:2 rapidez:1.4
    malo*:-2.5 mal:-2.3 peor+:-3 pesimo*:-3.3 terrible+:-3.3 horrible+:-3.3 fatal+:-3 espantoso*:-3.1 asqueroso*:-3.4 desastre+:-3.2 lamentable+:-2.8 penoso*:-2.6 patetico*:-3 inutil+:-2.8 mediocre+:-1.5 deplorable+:-3
    odio:-3.1 molesto*:-2.4 molesta:-2.4 enfadado*:-3 enojado*:-3 furioso*:-3.5 harto*:-2.8 cansado*:-1.4 triste+:-2 decepcionado*:-2.6 decepcionante+:-2.6 decepcion:-2.6 frustrado*:-2.6 frustrante+:-2.5 indignado*:-3 preocupado*:-1.8 disgustado*:-2.6
    sucio*:-2.4 roto*:-2.2 rota:-2.2 danado*:-2.2 averiado*:-2 incomodo*:-2 grosero*:-2.8 maleducado*:-2.8 lento*:-1.5 tarde:-1 retraso:-1.6 retrasado*:-1.6 frio*:-0.8 ruidoso*:-1.8 ruido:-1.4 caro*:-1.2 carisimo*:-2.2 falta:-1 faltaba:-1.4 faltan:-1.4 equivocado*:-1.7
    inaceptable+:-3.2 vergüenza:-2.6 verguenza:-2.6 abuso:-2.6 robo:-3.2 ladrones:-3.4 estafa+:-3.8 estafador*:-3.8 fraude+:-3.8 mentira+:-2.6 engano:-3 enganado*:-3 mienten:-2.8 abogado*:-3 denuncia+:-3 denunciar:-3 demanda:-2.6 demandar:-3 reclamacion:-2 reclamo+:-2 queja+:-2
    reembolso+:-1 devolucion:-0.8 cancelar:-0.5 cancelen:-0.5 contracargo:-3 problema+:-1.4 error+:-1.4 esperando:-1 espera:-0.6 ignorado*:-2.6 ignoran:-2.6 nadie:-1 nunca:-0.6 lamentablemente:-1.4 desgraciadamente:-1.4 perdido*:-1.4 confuso*:-1.5 cobraron:-0.8 cobrado*:-0.8 porqueria:-3 mierda:-3.2 basura:-3 asco:-3.2
    cucaracha+:-2.8 chinche+:-3.4 bichos:-1.6 humedad:-1.2 moho:-2.4 colgando:-1.6 cuelga:-1.8 error:-1.4 falla:-1.6 fallo:-1.6 inseguro*:-2.6 manchado*:-2 gotera+:-2 apretado*:-1.4 anticuado*:-1.4 valio:0.6 encantador+:2.6 encantadora+:2.6 volveriamos:2 repetiriamos:2 lastima:-1.8 compenso:1.8 compensa:1.4 incorrecto*:-1.7 cerrado*:-0.4
    defectuoso*:-2.4 aplastado*:-1.8 abollado*:-1.6 rayado*:-1.4 agrietado*:-1.6 estropeado*:-2.2 caducado*:-1.6 mojado*:-1.2 podrido*:-2.6 vacio*:-0.5 demora:-1.2 tardan:-0.8 tardaron:-0.8 cortes:-1.4 caido*:-1.2
    desaparecido*:-1.6 desaparecio:-1.6 incompleto*:-1.8
    imposible+:-1.4 pinchado*:-1.6 desconectado*:-1.2 atascado*:-1.4 bloqueado*:-1.2
    indebido*:-2
    desaparecieron:-1.6 desaparecen:-1.6 suspendido*:-1.6
  `,
  phrases: `
    muchas gracias:2.2|mil gracias:2.6|muchisimas gracias:2.8|de maravilla:3|hasta la proxima:1.6|volveremos:1.6|sin duda:0.6|lo recomiendo:2.6|cinco estrellas:3|5 estrellas:3|todo bien:1.6|todo perfecto:2.8|me viene bien:1.2|a tiempo:1.2|bien empaquetado:1.6|de diez:3|como en casa:1.4|esperaba mas:-2|esperaba mucho mas:-2|no vale la pena:-2.4|se cierra sola:-2|se cuelga:-2|salio mal:-2|vale la pena:2.2|de lujo:2.8|ninguna queja:1.6|sin problema:0.8|sin problemas:0.8
    todavia no:-0.6|aun no:-0.6|sigo esperando:-2.5|seguimos esperando:-2.5|estoy esperando:-1.4|perdida de tiempo:-3|nunca mas:-2.8|de lo peor:-3.4|no funciona:-2|no funcionaba:-2|no funciono:-2|no sirve:-2.2|sin respuesta:-2|ni siquiera:-1.2|estoy harto:-2.8|estoy harta:-2.8|tercera vez:-1.4|segunda vez:-0.8
    dos veces:-0.6|cobraron dos veces:-2.6|doble cobro:-2.6|quiero mi dinero:-2|devuelvan mi dinero:-2|devuelvan el dinero:-2|mala resena:-2|hoja de reclamaciones:-2.6|poner una queja:-2.4|tomadura de pelo:-3|lo antes posible:-0.5|cuanto antes:-0.5
    gracias por nada:-2.4|me temo que:-1.6|siento decirle:-1.4|desafortunadamente:-1.4|siento molestar:-0.6|disculpe la molestia:-0.4|otra vez:-0.6|de nuevo:-0.4|tres veces:-1.4|tres dias:-0.8|no es lo que pedi:-2
    nadie se molesto:-2.2|con todo respeto:-1.2|perdone que insista:-0.8|me gustaria:0|nos gustaria:0|quisiera:0|buenos dias:0|buenas tardes:0|buenas noches:0|por favor:0|no estoy seguro:0|no estoy segura:0|nada que ver:-1.2|ahora resulta que:-1.4|resulta que:-0.6|de hecho:0|es decir:0|tal vez:0
    esta tarde:0|la tarde:0|por la tarde:0|de la tarde:0|a la tarde:0|cada tarde:0|toda la tarde:0|una tarde:0|de diez dias:0|de diez minutos:0|de diez horas:0|de diez semanas:0|de diez meses:0|de diez euros:0|de diez anos:0
  `,
  boosters: `
    muy:0.3 super:0.35 realmente:0.3 extremadamente:0.5 totalmente:0.35 completamente:0.35 absolutamente:0.4 sumamente:0.45 increiblemente:0.5 tan:0.25 demasiado:0.3 bastante:0.15 re:0.3 mega:0.4 terriblemente:0.4 sinceramente:0.1 especialmente:0.2 altamente:0.35
    algo:-0.4 un poco:-0.5 un poquito:-0.55 poco:-0.5 ligeramente:-0.5 medio:-0.35 un tanto:-0.4 casi:-0.3 mas o menos:-0.4
  `,
  negators: "no|nunca|jamas|ni|tampoco|sin|nadie|nada|ningun|ninguna|ninguno|todavia no|aun no",
  expected:
    'funciona funciono funcionaba funcionan sirve llega llego llegaron llegado responde responden respondio respondido respondia contesta contestan contesto contestado recibi recibido recibimos devuelven devolvieron devuelto ayudan ayudaron ayudo llaman llamaron llamado solucionan solucionaron solucionado arreglan arreglaron arreglado avisaron aviso abre abrio funcionar dormir dormimos dormi convence convencio convencieron parece parecia vino vinieron carga cargan cargar enciende arranca conecta existe aparece aparecio abren dieron dio cambio limpiaron limpiado reparado repararon cambiaron',
  // Not "aunque" (a concessive: see lexicon.ts, concessions()).
  contrast: 'pero|sin embargo',
  concessive: 'aunque|a pesar de que|si bien',
  afterNegation: 'nada|para nada|en absoluto',
};
