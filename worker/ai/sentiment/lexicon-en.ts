// English word lists of the local sentiment analyzer, written for Parley (customer-service messages:
// stays, deliveries, bookings, support). Valences run from -4 (abusive, fraud) to +4 (ecstatic).
import type { LexiconSource } from './lexicon-types';

export const EN: LexiconSource = {
  code: 'en',
  stopWords:
    'the a an and is are was were i i\'m i\'ve you your it it\'s this that to of in for my we our with have has be on at do can what how please thanks but there they he she would could from will just about if when where which so any',
  words: `
    good:1.9 great:3 excellent:3.2 amazing:3.2 awesome:3.1 fantastic:3.3 wonderful:3.2 perfect:2.8 perfectly:2.4 lovely:2.8 nice:1.8 fine:1 ok:0.5 okay:0.5 alright:0.6
    love:3 loved:3 loving:2.6 like:1.2 liked:1.6 enjoy:2.2 enjoyed:2.3 happy:2.6 glad:2.1 pleased:2.2 satisfied:2 delighted:3 thrilled:3.1 impressed:2.4
    best:3 better:1.5 superb:3.2 brilliant:3 outstanding:3.2 incredible:2.6 beautiful:2.8 gorgeous:3 stunning:3 spotless:2.5 clean:1.6 tidy:1.4 cozy:2 cosy:2 comfortable:2 comfy:2
    friendly:2.2 kind:2 helpful:2.3 responsive:1.6 polite:1.8 professional:1.6 attentive:2 welcoming:2.2 quick:1.3 fast:1.3 prompt:1.4 smooth:1.6 easy:1.4 clear:1 delicious:2.9 tasty:2.4 fresh:1.2 hot:0.4 warm:0.8
    recommend:2 recommended:2 appreciate:2.2 appreciated:2.2 grateful:2.5 thank:1.6 thanks:1.6 thx:1.4 ty:1.2 cheers:1.2 solved:1.5 resolved:1.5 fixed:1.3 works:0.6 worked:0.8 wow:2 yay:2.4 relaxing:2.2 peaceful:1.8 quiet:1 safe:1.2 cute:1.8 charming:2.3 generous:2.1 reasonable:1 ideal:2.2 congrats:2.6 congratulations:2.6 efficient:2 efficiency:1.6 impressive:2.4
    bad:-2.5 worse:-2.7 worst:-3.4 poor:-2.2 terrible:-3.3 horrible:-3.3 awful:-3.3 dreadful:-3.1 disgusting:-3.4 gross:-2.7 nasty:-2.7 pathetic:-3 useless:-2.8 lousy:-2.6 mediocre:-1.5
    hate:-3.1 hated:-3 dislike:-2 disliked:-2 unhappy:-2.6 sad:-2 upset:-2.5 angry:-3 furious:-3.5 annoyed:-2.4 annoying:-2.3 frustrated:-2.6 frustrating:-2.5 disappointed:-2.6 disappointing:-2.6 disappointment:-2.6 fed:-0.5 sick:-1.6 tired:-1.2
    dirty:-2.4 filthy:-3 smelly:-2.3 stinks:-2.6 broken:-2.2 damaged:-2.2 missing:-1.6 wrong:-1.7 late:-1.5 delayed:-1.6 cold:-0.8 noisy:-1.8 loud:-1.2 uncomfortable:-2 rude:-2.8 unprofessional:-2.6 unhelpful:-2.3 unresponsive:-2.2
    slow:-1.5 expensive:-1.2 overpriced:-2.2 ridiculous:-2.6 unacceptable:-3.2 outrageous:-3.1 ripoff:-3.2 mess:-2 disaster:-3.2 nightmare:-3.4 problem:-1.4 problems:-1.5 issue:-1 issues:-1.2 complaint:-2 complain:-2 complaining:-2
    refund:-1 refunds:-1 cancel:-0.5 chargeback:-3 dispute:-2 lawyer:-3 lawsuit:-3.2 sue:-3 legal:-1.2 scam:-3.8 scammed:-3.8 fraud:-3.8 fraudulent:-3.8 stolen:-3 lied:-3 lie:-2.6 liar:-3.2 misleading:-2.6 charged:-0.8 overcharged:-2.6
    waiting:-1 waited:-1.1 ignored:-2.6 ignoring:-2.6 stuck:-1.8 lost:-1.4 worried:-1.8 confused:-1.2 confusing:-1.5 hopeless:-3 incompetent:-3 joke:-1.8 shame:-2.2 shameful:-2.8 never:-0.6 nobody:-1 unfortunately:-1.4 sorry:-0.6 wtf:-3 damn:-2 crap:-2.6 sucks:-2.8
    disgusted:-3.2 cockroach:-2.8 cockroaches:-2.8 roaches:-2.8 bedbugs:-3.4 bugs:-1.6 mold:-2.4 mould:-2.4 moldy:-2.6 crash:-1.8 crashes:-2 crashing:-2 crashed:-2 freezes:-1.6 error:-1.4 errors:-1.4 glitch:-1.4
    beautifully:2.4 dead:-2 lose:-1.4 losing:-1.4 incorrect:-1.7 incorrectly:-1.8 tricky:-0.8 closed:-0.4 smoothly:1.8 sorted:1.5 saved:1.6 worth:1.4 lifesaver:3 gem:2.4 unbelievable:-0.8 pricey:-1 scary:-2 unsafe:-2.6 cramped:-1.8 outdated:-1.4 stained:-2 leaking:-2 leak:-1.8
    failed:-1.4 fails:-1.4 failing:-1.4 failure:-1.6 outage:-1.8 overheats:-1.8 overheating:-1.8 overheated:-1.6 defective:-2.4 faulty:-2.2 cracked:-1.8 smashed:-2 crushed:-1.6 dented:-1.6 scratched:-1.4 shattered:-2 torn:-1.4 ripped:-1.4 soaked:-1.4
    spoiled:-2 spoilt:-2 stale:-1.6 leaked:-1.8 flooded:-2 unreachable:-2 overdue:-1.4 empty:-0.5 content:0
    disappeared:-1.6 vanished:-1.6 incomplete:-1.8
    impossible:-1.4 offline:-1.2 unavailable:-1.2 stuck:-1.8 blocked:-1.2 locked:-0.8 punctured:-1.6
    unauthorised:-2.2 unauthorized:-2.2
    suspended:-1.6 deactivated:-1.4
  `,
  phrases: `
    thank you:1.8|thanks a lot:2.2|thank you so much:2.8|many thanks:2|well done:2.4|see you next time:1.6|come back:1.2|will be back:1.6|highly recommend:3|five stars:3|5 stars:3|worked perfectly:2.6|no problem:0.6|no worries:0.8|not a problem:0.6
    still waiting:-2.5|waste of time:-3|waste of money:-3|worst ever:-3.6|never again:-2.8|no response:-2|no reply:-2|no answer:-2|not working:-2|stopped working:-2.2|not acceptable:-3|not ok:-2|not okay:-2|not good enough:-2.4|fed up:-2.8|sick of:-2.6|had enough:-2.4|rip off:-3.2
    thanks for nothing:-2.4|took forever:-2.3|third time:-1.4|second time:-0.8|again and again:-1.6|charged twice:-2.6|double charged:-2.6|full refund:-1.6|money back:-1.6|want my money:-2|report you:-2.6|bad review:-2|negative review:-2|file a complaint:-2.6|no one:-1
    would like:0|i'd like:0|id like:0|like to:0|look like:0|looks like:0|nothing like:-0.8|feel like:0|just like:0|good morning:0|good afternoon:0|good evening:0|good night:0|good day:0|as soon as possible:-0.5|at least:0|no complaints:1.6|not sure:0|for sure:0|make sure:0|all good:1.6|so far so good:1.6
    i'm afraid:-1.6|im afraid:-1.6|i am afraid:-1.6|afraid that:-1.4|hate to complain:-1.6|sorry to bother:-0.6|sorry to say:-1.4|regret to say:-1.6|not what i ordered:-2|not the one i ordered:-2|not as described:-2|yet again:-1.4|once again:-0.6|just perfect:0.8
    on time:1.2|well packed:1.6|above and beyond:3|at home:1.4|expected more:-2|expected better:-2|not worth:-2.4|worth it:2|hung up:-2|keeps crashing:-2.6|went wrong:-2|goes wrong:-1.6|made up for:1.8|makes up for:1.8|we'd come back:2|would come back:2|would go back:2|nobody bothered:-2.2|no one bothered:-2.2|with respect:-0.6|with all due respect:-1.4|fell apart:-2.4
    spot on:2.4|now it turns out:-1.4|turns out:-0.4|flat tyre:-1.6|flat tire:-1.6
  `,
  boosters: `
    very:0.3 really:0.3 so:0.25 extremely:0.5 incredibly:0.5 absolutely:0.4 totally:0.35 completely:0.35 utterly:0.45 super:0.35 too:0.25 highly:0.35 truly:0.3 quite:0.1 such:0.2 most:0.2 especially:0.2 terribly:0.4 seriously:0.3 insanely:0.45 beyond:0.3
    slightly:-0.5 somewhat:-0.4 barely:-0.5 fairly:-0.2 rather:-0.2 a bit:-0.5 a little:-0.5 a little bit:-0.55 kind of:-0.4 kinda:-0.4 sort of:-0.4 mostly:-0.2 almost:-0.3
  `,
  negators: "not|no|never|none|nobody|nothing|neither|nor|without|cannot|can't|don't|doesn't|didn't|isn't|wasn't|aren't|weren't|won't|wouldn't|shouldn't|couldn't|haven't|hasn't|hadn't|ain't|dont|doesnt|didnt|isnt|wasnt|arent|werent|wont|wouldnt|couldnt|havent|hasnt|hadnt|cant|hardly|barely|scarcely|no one",
  expected:
    'work works worked working arrive arrived arriving answer answered answering reply replied replying respond responded responding call called contact contacted help helped received receive got get show showed showed-up come came refunded fixed solved resolved delivered open opened sleep slept load loads loading exist exists start starts connect connects changed rang ring knocked cleaned repaired replaced',
  contrast: 'but|however',
  concessive: 'although|even though',
  afterNegation: 'at all|whatsoever',
};
