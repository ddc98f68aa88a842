/**
 * Imported first by every bench: the bench runs with the V8 heap flag that Ferry's own start scripts give every
 * process (`--initial-old-space-size=128`, README "The Node heap"), however it was started. A bench started
 * without it (`npx tsx bench/mirror.ts`) runs itself again with it and exits with that run's status; children
 * forked with `process.execArgv` inherit it.
 *
 * Why it matters: without the flag V8 keeps a ~15 MB old generation and starts a full collection every few dozen
 * milliseconds under load. In the mirror bench's record-age phase at 100 k records/s that doubled each broker's CPU
 * (0.6 cores instead of 0.3, a fifth to a third of it in GC) and tripled the record age p99 (RESULTS.md,
 * 2026-11-25). Figures taken without it measure V8's start-up heap sizing, not Ferry.
 */
import { spawnSync } from 'node:child_process';

const HEAP_FLAG = '--initial-old-space-size=128';

// V8 takes the flag on the command line only (Node refuses it in NODE_OPTIONS), so execArgv tells.
if (!process.execArgv.some((a) => a.startsWith('--initial-old-space-size'))) {
  const run = spawnSync(process.execPath, [HEAP_FLAG, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  if (run.error !== undefined) throw run.error;
  process.exit(run.status ?? 1);
}
