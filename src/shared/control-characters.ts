import type { z } from 'zod';

// The C0 control characters other than tab and line breaks. No text a person writes holds them: a
// NUL in a name went into the export, which the import then refused whole (a file with NUL bytes
// is no text), and an escape sequence (ESC [31m) recolours a terminal that prints it. DEL and the
// C1 controls are kept: they are what a Windows-1252 text decoded as Latin-1 holds, stored as sent.
const CONTROL = /(?![\t\n\r\u007f-\u009f])\p{Cc}/u;

/** Why a text value cannot be stored (a control character, named), or undefined when it can. */
export function controlCharacterProblem(value: string): string | undefined {
  const found = CONTROL.exec(value);
  if (!found) return undefined;
  const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `holds the control character U+${code}; text may hold tabs and line breaks but no other control character`;
}

/** The zod refinement of a text a person writes (a note, a name): a control character is a 422 naming it. */
export function refuseControlCharacters(value: string, ctx: z.RefinementCtx): void {
  const problem = controlCharacterProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}
