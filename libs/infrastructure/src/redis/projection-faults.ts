/** Where a commit can be made to fail: after the batch is folded and queued, before EXEC. */
export type CommitFaultPoint = Readonly<{ projection: string; generation: number; checkpoint: bigint }>;
export type CommitFault = (point: CommitFaultPoint) => void;

let fault: CommitFault | undefined;

/**
 * Test-only fault injection into the projection commit path (simulates a process dying mid-batch: the
 * queued MULTI is never sent). Refuses to be set outside jest, so production code can never arm it.
 */
export function setProjectionCommitFault(next: CommitFault | undefined): void {
  if (next && process.env.JEST_WORKER_ID === undefined)
    throw new Error('projection commit faults are for tests only');
  fault = next;
}

export function projectionCommitFault(): CommitFault | undefined {
  return fault;
}
