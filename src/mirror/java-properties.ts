/**
 * java.util.Properties text format (Properties.load), as MirrorMaker 2's `connect-mirror-maker.properties`
 * is written:
 * - a logical line is natural lines joined while a line ends in an odd number of backslashes; the
 *   continuation's leading whitespace is dropped;
 * - blank lines, and lines whose first non-blank character is `#` or `!`, are comments;
 * - the key runs to the first unescaped `=`, `:` or whitespace; whitespace and at most one `=` or `:` then
 *   separate it from the value, which runs to the end of the line (trailing whitespace kept, as Java does);
 * - escapes: `\t \n \r \f`, `\uXXXX`, and `\x` is `x` for any other x;
 * - a key given twice keeps its last value.
 * Each entry remembers the line it started on, for error messages.
 */
export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

export function parseJavaProperties(text: string): Map<string, PropertyEntry> {
  const entries = new Map<string, PropertyEntry>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let logical = lines[i]!.replace(/^[ \t\f]+/, '');
    if (logical === '' || logical[0] === '#' || logical[0] === '!') continue;
    while (endsWithContinuation(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    if (endsWithContinuation(logical)) logical = logical.slice(0, -1);
    const { key, valueStart } = splitKey(logical);
    entries.set(unescapeJava(key), {
      key: unescapeJava(key),
      value: unescapeJava(logical.slice(valueStart)),
      line: startLine,
    });
  }
  return entries;
}

function endsWithContinuation(line: string): boolean {
  let backslashes = 0;
  for (let j = line.length - 1; j >= 0 && line[j] === '\\'; j--) backslashes++;
  return backslashes % 2 === 1;
}

function splitKey(line: string): { key: string; valueStart: number } {
  let end = 0;
  while (end < line.length) {
    const c = line[end]!;
    if (c === '\\') {
      end += 2;
      continue;
    }
    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
    end++;
  }
  let v = Math.min(end, line.length);
  while (v < line.length && /[ \t\f]/.test(line[v]!)) v++;
  if (v < line.length && (line[v] === '=' || line[v] === ':')) v++;
  while (v < line.length && /[ \t\f]/.test(line[v]!)) v++;
  return { key: line.slice(0, Math.min(end, line.length)), valueStart: v };
}

function unescapeJava(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      out += String.fromCharCode(Number.parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else {
      out += ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[n] ?? n;
    }
  }
  return out;
}
