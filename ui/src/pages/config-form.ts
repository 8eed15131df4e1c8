import { parseAttributeTerms } from './agent-filters.js';

/** What the config editor holds. */
export interface ConfigDraft {
  name: string;
  fileName: string;
  contentType: string;
  body: string;
  /** `key=value` terms separated by commas; empty for no selector assignment. */
  selector: string;
}

/** Problems with a draft, by field; empty when it can be saved. Mirrors the API's own checks. */
export function validateDraft(draft: ConfigDraft): Partial<Record<keyof ConfigDraft, string>> {
  const problems: Partial<Record<keyof ConfigDraft, string>> = {};
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(draft.name) || draft.name.length > 253) {
    problems.name = 'Lower-case letters, digits, "-" and ".", starting and ending with a letter or digit.';
  }
  if (!/^[-._a-zA-Z0-9]*$/.test(draft.fileName) || draft.fileName.length > 253) {
    problems.fileName = 'Letters, digits, "-", "_" and "." (empty for agents that take one file).';
  }
  if (draft.body.trim() === '') problems.body = 'The config needs a body.';
  const { error } = parseAttributeTerms(draft.selector);
  if (error) problems.selector = `${error}: write terms as key=value, separated by commas.`;
  return problems;
}

/** The selector of a draft as the API takes it. */
export function selectorOf(draft: ConfigDraft): Record<string, string> | undefined {
  const { terms } = parseAttributeTerms(draft.selector);
  return terms.length > 0 ? Object.fromEntries(terms) : undefined;
}

/** The name of the selector assignment the editor writes. */
export const UI_ASSIGNMENT = 'selector';
