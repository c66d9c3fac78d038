// Portuguese word lists of the local sentiment analyzer (Portugal and Brazil), written for Parley.
// Keys are matched without accents; `name*` expands an -o adjective to -o/-a/-os/-as, `name+` adds the plural.
import type { LexiconSource } from './lexicon-types';

export const PT: LexiconSource = {
  code: 'pt',
  stopWords:
    'o a os as um uma uns umas e é são era foi que de do da dos das em por para com meu minha meus minhas se lhe seu sua muito mas como esta estava estou está tem tenho obrigado obrigada olá oi eu você vocês voce voces já ja porque quando onde sem sobre este isto isso ao aos pelo pela ainda não nao',
  words: `
    bom:1.9 boa:1.9 bons:1.9 boas:1.9 otimo*:3 excelente+:3.2 incrivel:2.6 incriveis:2.6 fantastico*:3.2 maravilhoso*:3.2 perfeito*:2.8 perfeitamente:2.4 lindo*:2.6 bonito*:2 espetacular+:3 impecavel:2.8 top:2.2 certinho*:1.6 ideal:2.2 parabens:2.6 eficiencia:1.6 eficiente+:2 rapidez:1.4
    adorei:3 adoramos:3 adoro:3 amei:3 amo:2.8 gosto:1.8 gostei:1.8 gostamos:1.8 feliz:2.6 felizes:2.6 contente+:2.4 satisfeito*:2 agradecido*:2.5 agradavel:2.2 confortavel:2 acolhedor:2.2 acolhedora:2.2
    simpatico*:2.2 atencioso*:2 prestavel:2.2 profissional:1.6 rapido*:1.3 limpo*:1.6 facil:1.4 delicioso*:2.9 saboroso*:2.4 gostoso*:2.4 tranquilo*:1.2 recomendo:2.2 recomendavel:2.2 obrigado*:1.6 valeu:1.6 resolvido*:1.5 funciona:0.6 melhor+:2.4 maravilha:3
    mau:-2.5 ma:-2.5 mal:-2.3 ruim:-2.5 pior+:-3 pessimo*:-3.3 terrivel:-3.3 horrivel:-3.3 horriveis:-3.3 nojento*:-3.4 desastre:-3.2 lamentavel:-2.8 inutil:-2.8 mediocre:-1.5 vergonha:-2.6 vergonhoso*:-2.8
    odeio:-3.1 chateado*:-2.4 irritado*:-2.6 furioso*:-3.5 farto*:-2.8 cansado*:-1.4 triste+:-2 desiludido*:-2.6 decepcionado*:-2.6 decepcionante:-2.6 frustrado*:-2.6 indignado*:-3 preocupado*:-1.8 insatisfeito*:-2.6
    sujo*:-2.4 partido*:-1.6 estragado*:-2.2 avariado*:-2 danificado*:-2.2 amassado*:-2 quebrado*:-2.2 desconfortavel:-2 rude:-2.8 mal-educado*:-2.8 lento*:-1.5 atrasado*:-1.6 atraso:-1.6 frio*:-0.8 barulho:-1.4 barulhento*:-1.8 caro*:-1.2 errado*:-1.7 falta:-1
    inaceitavel:-3.2 absurdo*:-2.6 roubo:-3.2 ladroes:-3.4 burla:-3.8 golpe:-3.4 fraude:-3.8 mentira:-2.6 enganado*:-3 enganaram:-3 advogado:-3 reclamacao:-2 queixa:-2 problema+:-1.4 erro:-1.4 esperando:-1 espera:-0.6 ignorado*:-2.6 ninguem:-1 nunca:-0.6 infelizmente:-1.4 lamentavelmente:-1.4 perdido*:-1.4
    reembolso:-1 devolucao:-0.8 cancelar:-0.5 porcaria:-3 lixo:-3 merda:-3.2 baratas:-2.8 mofo:-2.4 bolor:-2.4 demora:-1.2 demorou:-1 demorado*:-1.4 pena:-1.6 grosseiro*:-2.8 grosso*:-1.5 incorreto*:-1.7 compensou:1.8 compensa:1.4 fechado*:-0.4 voltariamos:2
    defeituoso*:-2.4 riscado*:-1.4 rachado*:-1.6 trincado*:-1.6 revirado*:-1.2 vazio*:-0.5 vazou:-1.6 vazando:-1.6 travando:-1.6 travou:-1.6 bugado*:-1.6 bugou:-1.6 faltando:-1.4 faltou:-1.4 faltaram:-1.4 faltam:-1.4 podre+:-2.6 pane:-1.8
    sumiu:-1.6 sumiram:-1.6 desapareceu:-1.6 incompleto*:-1.8
    impossivel:-1.4 furado*:-1.4 desconectado*:-1.2 parado*:-0.6 travado*:-1.4 bloqueado*:-1.2
    indevido*:-2
    decepcao:-2.6 atrasou:-1.6 atrasaram:-1.6 atrasando:-1.4 defeito:-2 defeitos:-2 rapidinho*:1.6 fresquinho*:1.4 geladinho*:1.2
    molhado*:-1.2 suspenso*:-1.6 desapareceram:-1.6
  `,
  phrases: `
    muito obrigado:2.2|muito obrigada:2.2|mil obrigados:2.6|de volta:0|estaremos de volta:1.6|dinheiro de volta:-1.6|um amor:2.4|receio que:-1.6|ninguem se deu ao trabalho:-2.2|com todo respeito:-1.2|desculpe insistir:-0.8|voltaremos:1.6|recomendo muito:3|cinco estrelas:3|5 estrelas:3|tudo bem:1|tudo certo:1.6|tudo perfeito:2.8|a tempo:1.2|nada a apontar:1.6|sem problema:0.8|vale a pena:2.2
    ainda nao:-0.6|continuo a espera:-2.5|ainda a espera:-2.5|estou a espera:-1.4|perda de tempo:-3|nunca mais:-2.8|nao funciona:-2|sem resposta:-2|estou farto:-2.8|estou farta:-2.8|terceira vez:-1.4|tres vezes:-1.4|cobraram duas vezes:-2.6|quero o meu dinheiro:-2|quero meu dinheiro:-2|obrigado por nada:-2.4|obrigada por nada:-2.4|cade:-0.8
    gostaria:0|bom dia:0|boa tarde:0|boa noite:0|por favor:0|nao tenho certeza:0|mais uma vez:-0.8
    a tarde:0|de tarde:0|da tarde:0|esta tarde:0|pela tarde:0|a tardinha:0|show de bola:2.8|show de:2|agora resulta que:-1.4|agora descubro que:-1.2|nota 10:2.6|nota dez:2.6|deu certo:1.6
  `,
  boosters: `
    muito:0.3 super:0.35 realmente:0.3 extremamente:0.5 totalmente:0.35 completamente:0.35 absolutamente:0.4 tao:0.25 demais:0.3 bastante:0.15 mega:0.4 bem:0.2
    um pouco:-0.5 pouco:-0.5 ligeiramente:-0.5 meio:-0.35 quase:-0.3 mais ou menos:-0.4
  `,
  negators: 'nao|nunca|jamais|nem|sem|ninguem|nada|nenhum|nenhuma|ainda nao',
  expected:
    'funciona funcionou funcionam chegou chegaram chega recebi recebemos recebido responde responderam respondeu atende atendem atendeu ajudou ajudaram resolveram resolveu resolvido devolveram ligaram abriu funcionar dormir dormimos dormi apareceu apareceram caiu entrou voltou retornou carrega carregam abre liga conecta existe veio vieram deram deu mudou resolveu limparam consertaram consertado trocaram',
  contrast: 'mas|porem|contudo|no entanto',
  concessive: 'embora|apesar de que|se bem que',
  afterNegation: 'nada|de todo|de jeito nenhum',
};
