/**
 * Content words of a gloss, used by the Instruct evaluation: lower-case alphabetic words minus stop words and
 * the word being defined. The Python evaluator reads the resulting lists; it does not recompute them.
 */
const STOP_WORDS = new Set(`a an the of to in on at by for from with without into onto upon about above below over under
between among through during before after and or but nor not no so as than then that this these those which who whom
whose what when where why how is are was were be been being has have had having do does did done can could may might
must shall should will would it its itself they them their there here he him his she her hers we us our you your i me my
mine one ones any some such each every all both either neither other another more most less least very also especially
usually often sometimes something someone somebody anything thing things used use using etc e g eg ie
`.split(/\s+/).filter((w) => w.length > 0));

/** Unique content words of `text`, in order of first appearance, excluding `headword`. */
export function contentWords(text, headword) {
  const seen = new Set();
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    if (word.length < 3 || STOP_WORDS.has(word) || word === headword) continue;
    seen.add(word);
  }
  return [...seen];
}
