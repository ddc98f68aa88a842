/**
 * MirrorMaker 2's regex lists (`topics`, `topics.exclude`, `groups`, `groups.exclude`,
 * `config.properties.exclude`): a comma-separated list of Java regexes (Kafka's LIST type: split on commas,
 * surrounding whitespace trimmed, an empty string is an empty list), joined with `|` and matched against the
 * *whole* name. An empty list matches nothing — not everything, as an empty regex would.
 *
 * Java regexes run as JavaScript regexes. The common syntax is the same; the differences Ferry handles are a
 * leading `(?i)` (becomes the `i` flag) and `\Q…\E` quoting (becomes escaped literal text). Java-only
 * anchors that JavaScript would silently read as letters (`\A`, `\Z`, `\z`, `\G`) are refused, and so are
 * possessive quantifiers and inline flags (JavaScript's own syntax error): an error names the pattern rather
 * than a name being matched wrongly.
 */
export class PatternListError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`invalid regex '${pattern}': ${reason}`);
    this.name = 'PatternListError';
  }
}

/** A compiled list: `matches(name)` is a full match of any element. Immutable; share freely. */
export class PatternList {
  private constructor(
    readonly patterns: readonly string[],
    private readonly regex: RegExp | undefined,
  ) {}

  /** Parses Kafka's comma-separated form, or takes an array as the elements. Throws PatternListError. */
  static compile(list: string | readonly string[]): PatternList {
    const patterns = typeof list === 'string' ? splitList(list) : list.map((p) => p.trim()).filter((p) => p);
    if (patterns.length === 0) return new PatternList(patterns, undefined);
    let ignoreCase = false;
    const sources = patterns.map((p) => {
      const t = translateJavaRegex(p);
      ignoreCase ||= t.ignoreCase;
      return t.source;
    });
    if (ignoreCase && !patterns.every((p) => p.startsWith('(?i)'))) {
      throw new PatternListError(
        patterns.find((p) => p.startsWith('(?i)'))!,
        '(?i) is supported only when every pattern of the list starts with it',
      );
    }
    return new PatternList(patterns, new RegExp(`^(?:${sources.join('|')})$`, ignoreCase ? 'i' : ''));
  }

  matches(name: string): boolean {
    return this.regex?.test(name) ?? false;
  }

  toString(): string {
    return this.patterns.join(', ');
  }
}

/** Kafka's LIST parsing: `a, b ,c` → [a, b, c]; '' → []. */
export function splitList(value: string): string[] {
  const trimmed = value.trim();
  return trimmed === '' ? [] : trimmed.split(/\s*,\s*/);
}

function translateJavaRegex(pattern: string): { source: string; ignoreCase: boolean } {
  let body = pattern;
  let ignoreCase = false;
  if (body.startsWith('(?i)')) {
    ignoreCase = true;
    body = body.slice(4);
  }
  let source = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      source += c;
      continue;
    }
    const next = body[i + 1];
    if (next === 'Q') {
      const end = body.indexOf('\\E', i + 2);
      const literal = body.slice(i + 2, end < 0 ? undefined : end);
      source += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      i = end < 0 ? body.length : end + 1;
      continue;
    }
    if (next !== undefined && 'AZzG'.includes(next)) {
      throw new PatternListError(pattern, `\\${next} is a Java-only anchor; names are always matched whole`);
    }
    source += c + (next ?? '');
    i++;
  }
  try {
    new RegExp(source);
  } catch (err) {
    throw new PatternListError(pattern, (err as Error).message.replace(/^Invalid regular expression: /, ''));
  }
  return { source: `(?:${source})`, ignoreCase };
}
