/**
 * The app's only logger. It takes a fixed event name and counts, never free
 * text or resources, so patient data cannot reach a log by accident.
 */
export function logEvent(event: string, counts: Record<string, number> = {}): void {
  // eslint-disable-next-line no-console
  console.info(`[peer-recovery] ${event}`, counts);
}
