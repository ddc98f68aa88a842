/** Writes one line to stdout; the commands' output is for operators and for scripts that grep it. */
export function println(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Left-aligned columns separated by two spaces or more, as kafka-consumer-groups.sh lays them out; every
 * column is as wide as its widest cell.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 1)))
      .join(' ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
