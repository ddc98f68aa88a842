/**
 * A leader's view of its partition's in-sync replica set, as an explicit state machine (Kafka's
 * `PartitionState`): an ISR change is proposed to the controller and only takes effect once the controller has
 * committed it to the metadata log. While a change is in flight the leader must be conservative both ways:
 *
 *   committed       isr = maximalIsr = what the metadata log says.
 *   pendingExpand   isr = the committed set; maximalIsr = isr + the joining replica. The high watermark waits for
 *                   the joining replica too (it may already count for acks=all elsewhere once committed), but
 *                   min.insync.replicas is judged on the committed set.
 *   pendingShrink   isr = the committed set minus the leaving replicas, maximalIsr = the committed set. The high
 *                   watermark keeps waiting for the leaving replicas until the shrink is committed, so a
 *                   replica that the controller still counts as in sync never lacks a committed record.
 *
 * Invariants: isr ⊆ maximalIsr; the leader is in both; at most one change is pending at a time, and no new
 * change is proposed while one is (maybeExpandIsr / maybeShrinkIsr check `kind === 'committed'`).
 */
export type IsrState =
  | { readonly kind: 'committed'; readonly isr: readonly number[]; readonly maximalIsr: readonly number[] }
  | {
      readonly kind: 'pendingExpand';
      readonly isr: readonly number[];
      readonly maximalIsr: readonly number[];
      readonly joining: number;
    }
  | {
      readonly kind: 'pendingShrink';
      readonly isr: readonly number[];
      readonly maximalIsr: readonly number[];
      readonly leaving: readonly number[];
    };

export function committedIsr(isr: readonly number[]): IsrState {
  const sorted = [...isr];
  return { kind: 'committed', isr: sorted, maximalIsr: sorted };
}

export function pendingExpand(current: IsrState, joining: number): IsrState {
  return {
    kind: 'pendingExpand',
    isr: current.isr,
    maximalIsr: [...current.isr, joining],
    joining,
  };
}

export function pendingShrink(current: IsrState, leaving: readonly number[]): IsrState {
  return {
    kind: 'pendingShrink',
    isr: current.isr.filter((id) => !leaving.includes(id)),
    maximalIsr: current.isr,
    leaving,
  };
}
