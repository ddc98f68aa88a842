import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** The cutover's steps, in order (issue 6). */
export const CUTOVER_STEPS = ['prechecks', 'freeze', 'drain', 'offsets', 'verify', 'switch'] as const;
export type CutoverStep = (typeof CUTOVER_STEPS)[number];

export interface StepState {
  readonly status: 'pending' | 'done';
  /** ISO time the step was recorded done. */
  readonly doneAt?: string;
  /** What the step found or did: the audit record (JSON). */
  readonly result?: unknown;
}

export interface CutoverState {
  readonly version: 1;
  readonly flow: string;
  readonly createdAt: string;
  /** 'running' until switch is done ('completed') or abort ('aborted'). */
  readonly phase: 'running' | 'completed' | 'aborted';
  readonly steps: Record<CutoverStep, StepState>;
  /**
   * Source topics on which this cutover set `ferry.write.freeze=true` (lifted again, with any exemption, by
   * abort); a started reverse flow keeps them frozen, exempting only its own client id.
   */
  readonly frozenTopics: readonly string[];
  readonly abortedAt?: string;
  readonly log: readonly string[];
}

export function initialState(flow: string, nowIso: string): CutoverState {
  const steps = {} as Record<CutoverStep, StepState>;
  for (const s of CUTOVER_STEPS) steps[s] = { status: 'pending' };
  return { version: 1, flow, createdAt: nowIso, phase: 'running', steps, frozenTopics: [], log: [] };
}

/** `<dir>/cutover-<flow with -> as _to_>.json`. */
export function stateFile(dir: string, flow: string): string {
  return join(dir, `cutover-${flow.replace('->', '_to_')}.json`);
}

/**
 * The durable progress of one cutover: one JSON file, replaced atomically (written to a unique temp file in
 * the same directory, fsynced, renamed over the old one, then the directory fsynced), so that after a crash
 * the file is either the previous state or the new one, never a torn mix. One writer at a time (the cutover
 * run holding it); concurrent runs on the same file are the operator's mistake and are not detected.
 */
export async function readState(file: string): Promise<CutoverState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CutoverState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function writeState(file: string, state: CutoverState): Promise<void> {
  const dir = join(file, '..');
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
