import { z } from 'zod';

// A custom attribute's validation pattern, as Chatwoot keeps it on a definition and copies it
// into each pre-chat field its dashboard builds from one. Stored and answered for the clients that
// check values with it; this service checks no value against it.

export const MAX_REGEX_PATTERN = 500;

// Chatwoot's dashboard saves a pattern as a literal, `new RegExp(p).toString()` ("/^[a-z]+$/i"),
// and reads it back by splitting at the last slash; a bare pattern ("^[a-z]+$") is one too.
const REGEX_LITERAL = /^\/(.*)\/([^/]*)$/s;

/** Why the pattern does not compile as a JavaScript RegExp (either form), or undefined when it does. */
export function regexPatternProblem(pattern: string): string | undefined {
  const literal = REGEX_LITERAL.exec(pattern);
  try {
    if (literal) new RegExp(literal[1], literal[2]);
    else new RegExp(pattern);
    return undefined;
  } catch (err) {
    return `not a valid JavaScript regular expression: ${(err as Error).message}`;
  }
}

export const regexPatternSchema = z
  .string()
  .max(MAX_REGEX_PATTERN, `must be at most ${MAX_REGEX_PATTERN} characters`)
  .refine((pattern) => regexPatternProblem(pattern) === undefined, { error: (issue) => regexPatternProblem(issue.input as string) });

export const regexCueSchema = z.string().max(255, 'must be at most 255 characters');
