// String.prototype.trim's spaces, and the invisible characters that text pasted from a web page
// or a spreadsheet carries at its edges: the zero-width space, non-joiner and joiner
// (U+200B–U+200D) and the word joiner (U+2060). At an edge they join or split nothing; a name of
// only those was a contact with no visible name, and one around a name kept it from equalling
// the name typed. Bidirectional marks and emoji tag characters are kept: they mean something there.
const EDGES = /^[\s\u200b-\u200d\u2060]+|[\s\u200b-\u200d\u2060]+$/gu;

// Nothing but spaces and invisible characters (direction marks, soft hyphens, Hangul fillers:
// Unicode's default-ignorable code points) is no text: such a name was a contact with no visible name.
const NOTHING_VISIBLE = /^[\s\p{Default_Ignorable_Code_Point}]*$/u;

export const trimText = (value: string): string => (NOTHING_VISIBLE.test(value) ? '' : value.replace(EDGES, ''));
