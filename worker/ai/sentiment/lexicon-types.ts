// The shape of one language's word lists (lexicon-en.ts, lexicon-es.ts), compiled by lexicon.ts.

export interface LexiconSource {
  code: string;
  /** Frequent function words: language detection. */
  stopWords: string;
  /** `word:valence` separated by whitespace; valence -4 … +4. */
  words: string;
  /** `phrase:valence` separated by `|` or new lines; a phrase wins over its words and carries its own negation. */
  phrases: string;
  /** `word:boost` or `two words:boost`; > 0 intensifies, < 0 diminishes the next sentiment word (within 3 words). */
  boosters: string;
  /** `|`-separated words or phrases that flip the next sentiment word (within 3 words, same clause). */
  negators: string;
  /** Neutral alone, negative when negated: what a customer expected to happen ("didn't arrive", "no funciona"). */
  expected: string;
  /** `|`-separated: the clause after one of these weighs more than the one before ("but", "pero"). */
  contrast: string;
  /** `|`-separated: "although", "aunque": a contrast mid-sentence; opening a sentence, its clause is the concession. */
  concessive: string;
  /** `|`-separated: words/phrases right after a negated word that strengthen the negation ("at all", "nada"). */
  afterNegation: string;
}
