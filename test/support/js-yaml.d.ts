// js-yaml ships no types and only its load is used (test/deployment).
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
