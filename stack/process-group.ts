// Every process the stack starts leads its own process group: signalling the group (negative PID) stops
// the helpers it spawned too (wrangler's workerd, setpriv'd servers). By PID only, never by name.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True while any process of the group led by `pid` is alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `signal` (SIGTERM unless the component asks for another) to the group, SIGKILL after `graceMs`; a gone group is fine. */
export async function stopProcessGroup(pid: number, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* already gone */
    }
  };
  send(signal);
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) send('SIGKILL');
  while (groupAlive(pid) && Date.now() < deadline + 5_000) await sleep(50);
}
