import type { Logger } from 'pino';

/** Exit status of a process stopped by the last-resort handler (EX_SOFTWARE). */
export const FATAL_EXIT_CODE = 70;

/**
 * The last resort. Every upstream and client error is meant to be classified where it happens;
 * one that escapes anyway (an uncaught exception, an unhandled rejection) means the process is in a
 * state nobody reasoned about. It is logged at fatal level and the process stops promptly: running
 * jobs are detached, not failed (their files say running with their ComfyUI prompt id, and the next
 * start follows them up), nothing new is accepted, and a hard exit follows after `graceMs` whatever
 * happens. Files are only ever replaced by renames, so stopping at any point leaves no torn state.
 */
export function installLastResort(logger: Logger, stop: () => Promise<void>, graceMs = 3_000): void {
  let stopping = false;
  const fatal = (origin: string) => (err: unknown) => {
    if (stopping) {
      logger.error({ err, origin }, 'another unexpected error while stopping');
      return;
    }
    stopping = true;
    logger.fatal(
      { err, origin },
      'unexpected error: the service stops to protect its data; jobs in flight are followed up at the next start',
    );
    const timer = setTimeout(() => process.exit(FATAL_EXIT_CODE), graceMs);
    timer.unref();
    stop()
      .catch((e: unknown) => logger.error({ err: e }, 'error while stopping after an unexpected error'))
      .finally(() => process.exit(FATAL_EXIT_CODE));
  };
  process.on('uncaughtException', fatal('uncaughtException'));
  process.on('unhandledRejection', fatal('unhandledRejection'));
}
