// French word lists of the local sentiment analyzer, written for Parley. Keys are matched without
// accents; `name*` expands an -o adjective to -o/-a/-os/-as (unused here), `name+` adds the plural.
// French negation wraps the verb ("ne … pas"): "ne"/"n'…" before it and "pas/jamais/rien" within reach.
import type { LexiconSource } from './lexicon-types';

export const FR: LexiconSource = {
  code: 'fr',
  stopWords:
    "le la les un une des et est sont etait été que qui de du en au aux pour par avec mon ma mes nous vous ils elle se ce cette ces son sa ses très tres mais comme je j'ai il y a merci bonjour pas ne sur dans encore toujours rien plus",
  words: `
    bon:1.9 bonne:1.9 bons:1.9 bonnes:1.9 excellent:3.2 excellente:3.2 genial:3 geniale:3 incroyable:2.6 fantastique:3.2 merveilleux:3.2 merveilleuse:3.2 parfait:2.8 parfaite:2.8 parfaitement:2.4 magnifique:3 beau:2 belle:2 impeccable:2.8 top:2.2 sympa:2 agreable:2.2
    adore:3 adorons:3 aime:1.8 aimons:1.8 plait:1.8 heureux:2.6 heureuse:2.6 content:2.4 contente:2.4 contents:2.4 satisfait:2 satisfaite:2 ravi:3 ravie:3 confortable:2 accueillant:2.2 accueillante:2.2 chaleureux:2.2
    gentil:2.2 gentille:2.2 aimable:2.2 serviable:2.2 professionnel:1.6 rapide:1.3 propre:1.6 facile:1.4 delicieux:2.9 delicieuse:2.9 savoureux:2.4 calme:1.2 recommande:2.2 merci:1.6 resolu:1.5 fonctionne:0.6 marche:0.4 meilleur:2.4 meilleure:2.4 bravo:2.6 formidable+:3 ideal:2.2 ideale:2.2 felicitations:2.6 efficacite:1.6 efficace+:2 rapidite:1.4 impressionnant:2.4
    mauvais:-2.5 mauvaise:-2.5 mal:-2.3 pire:-3 nul:-2.8 nulle:-2.8 horrible:-3.3 terrible:-3.3 affreux:-3.3 degoutant:-3.4 catastrophe:-3.2 lamentable:-2.8 inutile:-2.8 mediocre:-1.5 honte:-2.6 honteux:-2.8 decevant:-2.6 decu:-2.6 decue:-2.6
    deteste:-3.1 enerve:-2.6 agace:-2.4 furieux:-3.5 furieuse:-3.5 marre:-2.8 fatigue:-1.4 triste:-2 frustre:-2.6 inquiet:-1.8 inquiete:-1.8 mecontent:-2.6 mecontente:-2.6 insatisfait:-2.6
    sale:-2.4 sales:-2.4 casse:-2.2 cassee:-2.2 abime:-2.2 abimee:-2.2 endommage:-2.2 inconfortable:-2 impoli:-2.8 lent:-1.5 lente:-1.5 retard:-1.6 froid:-0.8 froide:-0.8 bruit:-1.4 bruyant:-1.8 bruyante:-1.8 cher:-1.2 chere:-1.2 incomplet:-1.8 incomplete:-1.8 errone:-1.7 erronee:-1.7 errones:-1.7 erronees:-1.7 manque:-1.2
    inacceptable:-3.2 scandaleux:-3 arnaque:-3.8 escroquerie:-3.8 vol:0 fraude:-3.8 mensonge:-2.6 avocat:-3 plainte:-2.4 reclamation:-2 probleme:-1.4 problemes:-1.5 erreur:-1.4 attente:-0.8 attends:-1 attendre:-0.8 ignore:-2.6 personne:-0.6 jamais:-0.6 malheureusement:-1.4 helas:-1.6 perdu:-1.4
    remboursement:-1 rembourse:-0.8 annuler:-0.5 cafards:-2.8 punaises:-3.4 moisissure:-2.4 desole:-0.6 desolee:-0.6 dommage:-1.6 adorable:2.6 incorrect:-1.7 fermee:-0.4 ferme:-0.4
    superbe+:3 defectueux:-2.4 defectueuse:-2.4 ecrase:-1.8 ecrasee:-1.8 ecrases:-1.8 raye:-1.4 rayee:-1.4 fissure:-1.6 fissuree:-1.6 dechire:-1.4 dechiree:-1.4 vide:-0.5 pourri:-2.6 pourrie:-2.6 manquant:-1.6 manquante:-1.6 manquants:-1.6 manquantes:-1.6 panne:-1.8 surchauffe:-1.6
    disparu:-1.6 disparue:-1.6 disparus:-1.6
    nickel:2.4 impossible:-1.4 creve:-1.6 crevee:-1.6 manquait:-1.4 manquaient:-1.4 deconnecte:-1.2 deconnectee:-1.2 bloque:-1.2 bloquee:-1.2
    indu:-2 indue:-2
    inadmissible:-3.2 inadmissibles:-3.2
    suspendu:-1.6 suspendue:-1.6
  `,
  phrases: `
    merci beaucoup:2.2|merci mille fois:2.6|a bientot:1|on reviendra:1.6|nous reviendrons:1.6|je recommande:2.6|cinq etoiles:3|5 etoiles:3|tout va bien:1.2|tout etait parfait:2.8|a l'heure:1.2|rien a redire:1.6|sans probleme:0.8|vaut le coup:2.2|pas de souci:0.8
    toujours pas:-1.5|pas encore:-0.5|je crains:-1.6|j'ai peur que:-1.4|on reviendrait:2|nous reviendrions:2|en valait la peine:2.2|valait la peine:2|n'a pris la peine:-2.2|avec tout le respect:-1.2|excusez-moi d'insister:-0.8|j'attends toujours:-2.5|perte de temps:-3|plus jamais:-2.8|ne marche pas:-2|ne fonctionne pas:-2|sans reponse:-2|en ai marre:-2.8|troisieme fois:-1.4|trois fois:-1.4|debite deux fois:-2.6|je veux etre rembourse:-2|merci pour rien:-2.4|rien ne va:-2.4
    je voudrais:0|bonne journee:0.6|bonne soiree:0.6|s'il vous plait:0|pas sur:0|pas sure:0
    c'est du vol:-3|du vol:-2.6|hors ligne:-1.4|hors d'usage:-2
    merci de:0|merci de votre:1.8|merci de vos:1.8|merci de ta:1.8|merci de m'avoir:2|merci d'avoir:2
  `,
  boosters: `
    tres:0.3 vraiment:0.3 trop:0.3 extremement:0.5 totalement:0.35 completement:0.35 absolument:0.4 tellement:0.3 si:0.25 super:0.35 hyper:0.4 assez:0.15 particulierement:0.2
    un peu:-0.5 peu:-0.5 legerement:-0.5 plutot:-0.2 presque:-0.3
  `,
  negators: "ne|n'|n'ai|n'est|n'a|n'y|n'avons|n'avez|n'ont|n'etait|n'etaient|pas|jamais|rien|aucun|aucune|sans|ni|personne ne|a peine",
  expected:
    'fonctionne fonctionnent marche marchent arrive arrivee arrives recu recue recus repond repondu aide aide rappele rappelle resolu livre livree rembourse dormi dormir venu venue existe apparait charge chargent allume demarre connecte change pu nettoye nettoyee repare reparee remplace',
  contrast: 'mais|cependant|pourtant|par contre',
  concessive: 'bien que|quoique|alors que',
  afterNegation: 'du tout|de tout|vraiment',
};
