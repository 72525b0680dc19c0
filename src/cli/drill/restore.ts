/**
 * A drill whose failover never wrote the latch object would leave P failed (its group fenced, its
 * app stopped) with nobody taking over: bring P back and say so. `latchedAt`: when the drill saw
 * the latch object in B; `restoreP` undoes the drill's failure of P, `what` says what it does.
 */
export async function restoreIfNotLatched(
  latchedAt: number | undefined,
  restoreP: () => Promise<unknown>,
  what: string,
  log: (m: string) => void,
): Promise<boolean> {
  if (latchedAt !== undefined) return false;
  await restoreP();
  log(`the failover did not write the latch object: ${what}`);
  return true;
}
