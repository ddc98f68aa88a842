/**
 * Imported by the benches that write hundreds of MB/s into broker logs, right after ferry-heap: the bench and
 * every process it forks run in a memory cgroup of their own, capped at FERRY_BENCH_PAGE_CACHE_MB (default 4096;
 * `--page-cache-mb N` on the command line; 0 turns it off), so that the page cache stops growing and the brokers'
 * log writes reuse pages reclaimed from older segments, as on a broker host that has run for a while (or a
 * broker in a container with a memory limit, whose page cache is charged to that limit).
 *
 * Why: a bench lasts a minute or two on a machine whose page cache is nearly empty, so without a cap every page
 * its brokers write is a page the kernel has not handed out for a while. On the VMs Ferry is developed on, the
 * guest returns free memory to the hypervisor within seconds (free page reporting,
 * /sys/module/page_reporting), and a buffered write into such a page costs a hypervisor fault: dd into a fresh
 * file ran at 490–570 MB/s for the whole VM, into pages freed a moment before at 6.9 GB/s (RESULTS.md,
 * 2026-11-25). In an uncapped run the brokers' system time doubled partway through, when the recently freed pages
 * ran out, and the mirror's record age went past a second; full uncapped runs went past a second in 2 of
 * 7, capped ones never past 300 ms in 13. The cap needs root and a memory controller (cgroup v1 or v2);
 * where either is missing the bench runs uncapped and says why in its output.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type PageCacheCap =
  | { readonly capped: true; readonly capMB: number; readonly cgroup: string }
  | { readonly capped: false; readonly why: string };

const CAP_ENV = 'FERRY_BENCH_PAGE_CACHE_MB';
/** Set for the processes a capped bench forks: they are in the cgroup already and report the same cap. */
const INHERITED_ENV = 'FERRY_BENCH_PAGE_CACHE_CAP';
const DEFAULT_MB = 4096;
const PREFIX = 'ferry-bench-';

interface MemoryController {
  readonly root: string;
  readonly limitFile: string;
  readonly version: 'v1' | 'v2';
}

function memoryController(): MemoryController | undefined {
  const v1 = '/sys/fs/cgroup/memory';
  if (existsSync(join(v1, 'memory.limit_in_bytes')))
    return { root: v1, limitFile: 'memory.limit_in_bytes', version: 'v1' };
  const v2 = '/sys/fs/cgroup';
  try {
    if (readFileSync(join(v2, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('memory')) {
      return { root: v2, limitFile: 'memory.max', version: 'v2' };
    }
  } catch {
    // not a cgroup v2 root
  }
  return undefined;
}

function requestedMB(): number {
  const at = process.argv.indexOf('--page-cache-mb');
  const raw = at >= 0 ? process.argv[at + 1] : process.env[CAP_ENV];
  if (raw === undefined) return DEFAULT_MB;
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb < 0) {
    throw new Error(`--page-cache-mb / ${CAP_ENV}: expected a whole number of MB (0 = no cap), got '${raw}'`);
  }
  return mb;
}

/** Cgroups left by benches that were killed: removable once empty, and rmdir refuses a busy one. */
function removeStale(root: string): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith(PREFIX)) continue;
    try {
      rmdirSync(join(root, name));
    } catch {
      // still has processes: another bench's
    }
  }
}

function capPageCache(): PageCacheCap {
  const inherited = process.env[INHERITED_ENV];
  if (inherited !== undefined) return JSON.parse(inherited) as PageCacheCap;
  const mb = requestedMB();
  if (mb === 0) return { capped: false, why: `turned off (${CAP_ENV}=0 or --page-cache-mb 0)` };
  const controller = memoryController();
  if (controller === undefined) return { capped: false, why: 'no cgroup memory controller on this machine' };
  const cgroup = join(controller.root, `${PREFIX}${process.pid}`);
  try {
    removeStale(controller.root);
    mkdirSync(cgroup);
    writeFileSync(join(cgroup, controller.limitFile), String(mb * 1024 * 1024));
    writeFileSync(join(cgroup, 'cgroup.procs'), String(process.pid));
  } catch (err) {
    try {
      rmdirSync(cgroup);
    } catch {
      // never created
    }
    return {
      capped: false,
      why: `cannot create a memory cgroup (${(err as Error).message}); run as root to cap`,
    };
  }
  process.on('exit', () => {
    try {
      writeFileSync(join(controller.root, 'cgroup.procs'), String(process.pid));
      rmdirSync(cgroup);
    } catch {
      // a child still in it (killed bench): the next capped bench removes it
    }
  });
  const cap: PageCacheCap = { capped: true, capMB: mb, cgroup: `${controller.version}:${cgroup}` };
  process.env[INHERITED_ENV] = JSON.stringify(cap);
  return cap;
}

export const pageCacheCap: PageCacheCap = capPageCache();

/** One line for a bench's human output. */
export function describePageCacheCap(cap: PageCacheCap = pageCacheCap): string {
  return cap.capped
    ? `page cache capped at ${cap.capMB} MB (memory cgroup)`
    : `page cache not capped: ${cap.why}`;
}
