import type { JoinGroupProtocol, JoinGroupResult, SyncGroupResult } from './group-types.js';

export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

/**
 * One member of a classic consumer group, as the coordinator knows it between requests.
 *
 * `memberId` changes only when a static member rejoins under a new id and takes over this record.
 * `awaitingJoin`/`awaitingSync` hold the resolver of the member's parked JoinGroup/SyncGroup; at most one
 * of each, and whoever resolves one clears it first (see `GroupMetadata.maybeInvokeJoin`/`maybeInvokeSync`).
 * Owned by its GroupMetadata; the coordinator serialises access (single event loop, see there).
 */
export class MemberMetadata {
  memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly protocolType: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  /** In the member's order of preference. */
  supportedProtocols: JoinGroupProtocol[];
  assignment: Buffer = EMPTY_BYTES;
  awaitingJoin: ((result: JoinGroupResult) => void) | null = null;
  awaitingSync: ((result: SyncGroupResult) => void) | null = null;
  /** Joined in the current rebalance and never completed one: its JoinGroup may wait only so long. */
  isNew = false;

  constructor(init: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    protocolType: string;
    rebalanceTimeoutMs: number;
    sessionTimeoutMs: number;
    supportedProtocols: JoinGroupProtocol[];
  }) {
    this.memberId = init.memberId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.protocolType = init.protocolType;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.supportedProtocols = init.supportedProtocols;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  supports(protocolName: string): boolean {
    return this.supportedProtocols.some((p) => p.name === protocolName);
  }

  /** The member's metadata for a protocol it supports; empty bytes for one it does not. */
  metadataFor(protocolName: string): Buffer {
    for (const p of this.supportedProtocols) if (p.name === protocolName) return p.metadata;
    return EMPTY_BYTES;
  }

  /** Same protocols, in the same order, with the same metadata bytes: a rejoin that changes nothing. */
  matches(protocols: readonly JoinGroupProtocol[]): boolean {
    if (protocols.length !== this.supportedProtocols.length) return false;
    for (let i = 0; i < protocols.length; i++) {
      const a = protocols[i]!;
      const b = this.supportedProtocols[i]!;
      if (a.name !== b.name || !a.metadata.equals(b.metadata)) return false;
    }
    return true;
  }

  /** The member's most preferred protocol among the candidates every member supports. */
  vote(candidates: ReadonlySet<string>): string | null {
    for (const p of this.supportedProtocols) if (candidates.has(p.name)) return p.name;
    return null;
  }
}
