// The signals that end a scan early but cleanly: ^C (SIGINT), what timeout(1), systemd and kill send a batch job
// (SIGTERM), and a closed terminal or ssh session (SIGHUP). The first one stops the intake; the messages in flight
// are finished and written, then the output, the resume state and the summary are flushed. A second one quits at once.
import { constants } from 'node:os';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 130, 143, 129: the shell's 128 + signal number, so a caller (timeout, systemd, a script) sees which signal it was. */
export function exitCodeFor(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/** The line on stderr when a stop signal arrives. ^C leaves the terminal mid-line: the notice starts a line of its own. */
export function stopNotice(signal: StopSignal): string {
  if (signal === 'SIGINT') return '\nmailtrace: interrupted: finishing the messages in flight (^C again to quit at once)\n';
  return `mailtrace: ${signal}: finishing the messages in flight (a second signal quits at once)\n`;
}

/**
 * Calls `onFirst` for the first stop signal; any later one exits at once with its own code. Returns the function that
 * stops listening (the default handlers, which end the process abruptly, apply again).
 */
export function onStopSignals(onFirst: (signal: StopSignal) => void): () => void {
  let received: StopSignal | undefined;
  const handle = (signal: StopSignal) => {
    if (received) process.exit(exitCodeFor(signal));
    received = signal;
    onFirst(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handle);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handle);
  };
}
