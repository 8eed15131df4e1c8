/** Thrown for a `labelSelector` the real server would reject (answered 400). */
export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
}

type Operator = 'in' | 'notin' | 'exists' | 'doesnotexist' | 'gt' | 'lt';

/** One parsed requirement of a label selector. */
export interface LabelRequirement {
  key: string;
  operator: Operator;
  values: string[];
}

/** A compiled label selector. */
export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

const OPERATOR_TOKENS = ['==', '!=', '=', '!', ',', '(', ')', '>', '<'] as const;
type Punct = (typeof OPERATOR_TOKENS)[number];
type Token = { kind: 'punct'; text: Punct } | { kind: 'ident'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    if (/\s/.test(input[i] ?? '')) {
      i++;
      continue;
    }
    const punct = OPERATOR_TOKENS.find((p) => input.startsWith(p, i));
    if (punct) {
      tokens.push({ kind: 'punct', text: punct });
      i += punct.length;
      continue;
    }
    let j = i;
    while (j < input.length && !/[\s!=,()<>]/.test(input[j] ?? '')) j++;
    tokens.push({ kind: 'ident', text: input.slice(i, j) });
    i = j;
  }
  return tokens;
}

class Parser {
  private pos = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    if (this.tokens.length === 0) return requirements;
    for (;;) {
      requirements.push(this.requirement());
      const next = this.take();
      if (next === undefined) return requirements;
      if (!this.isPunct(next, ',')) this.fail(`found '${next.text}', expected: ',' or end of string`);
    }
  }

  private requirement(): LabelRequirement {
    const first = this.take();
    if (first !== undefined && this.isPunct(first, '!')) {
      return { key: this.identifier('identifier'), operator: 'doesnotexist', values: [] };
    }
    if (first?.kind !== 'ident') this.fail(`found '${first?.text ?? ''}', expected: !, identifier`);
    const key = first.text;
    const op = this.peek();
    if (op === undefined || this.isPunct(op, ',')) return { key, operator: 'exists', values: [] };
    this.pos++;
    if (op.kind === 'ident' && (op.text === 'in' || op.text === 'notin')) {
      return { key, operator: op.text, values: this.valueSet() };
    }
    if (op.kind === 'punct' && (op.text === '=' || op.text === '==' || op.text === '!=')) {
      return { key, operator: op.text === '!=' ? 'notin' : 'in', values: [this.optionalValue()] };
    }
    if (op.kind === 'punct' && (op.text === '>' || op.text === '<')) {
      const value = this.identifier('integer');
      if (!/^-?\d+$/.test(value)) this.fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
      return { key, operator: op.text === '>' ? 'gt' : 'lt', values: [value] };
    }
    return this.fail(`found '${op.text}', expected: in, notin, =, ==, !=, gt, lt`);
  }

  private valueSet(): string[] {
    const open = this.take();
    if (open === undefined || !this.isPunct(open, '(')) this.fail(`expected: '(' after set operator`);
    const values: string[] = [];
    for (;;) {
      const token = this.take();
      if (token === undefined) this.fail(`expected: ')'`);
      if (token.kind === 'ident') {
        values.push(token.text);
        const sep = this.take();
        if (sep !== undefined && this.isPunct(sep, ')')) break;
        if (sep === undefined || !this.isPunct(sep, ',')) this.fail(`expected: ',' or ')' in value set`);
      } else if (this.isPunct(token, ')')) {
        break;
      } else {
        this.fail(`found '${token.text}' in value set`);
      }
    }
    if (values.length === 0) this.fail(`for 'in', 'notin' operators, values set can't be empty`);
    return values;
  }

  private optionalValue(): string {
    const next = this.peek();
    if (next?.kind !== 'ident') return '';
    this.pos++;
    return next.text;
  }

  private identifier(what: string): string {
    const token = this.take();
    if (token?.kind !== 'ident') this.fail(`found '${token?.text ?? ''}', expected: ${what}`);
    return token.text;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private take(): Token | undefined {
    return this.tokens[this.pos++];
  }

  private isPunct(token: Token, text: Punct): boolean {
    return token.kind === 'punct' && token.text === text;
  }

  private fail(why: string): never {
    throw new LabelSelectorError(`unable to parse requirement: ${why} (in "${this.source}")`);
  }
}

/** Parses a label selector (`a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`, `a>1`, `a<1`). */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return new Parser(tokenize(selector), selector).parse();
}

function matches(requirement: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  const value = labels[requirement.key];
  switch (requirement.operator) {
    case 'exists':
      return has;
    case 'doesnotexist':
      return !has;
    case 'in':
      return has && value !== undefined && requirement.values.includes(value);
    case 'notin':
      return !has || value === undefined || !requirement.values.includes(value);
    case 'gt':
    case 'lt': {
      if (!has || value === undefined || !/^-?\d+$/.test(value)) return false;
      const actual = Number(value);
      const bound = Number(requirement.values[0]);
      return requirement.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

/** Compiles a label selector; an empty or missing selector matches everything. */
export function compileLabelSelector(selector: string | undefined): LabelMatcher {
  const requirements = parseLabelSelector(selector ?? '');
  return (labels) => requirements.every((r) => matches(r, labels ?? {}));
}
