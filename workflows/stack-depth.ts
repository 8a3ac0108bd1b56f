/**
 * How many frames a stack trace keeps in the workflow sandbox (V8's default is ten).
 *
 * Temporal's worker records a stack trace at the creation of every promise a workflow makes (for
 * the `__stack_trace` query behind `temporal workflow stack` and the UI's stack tab), formatting
 * each frame through the bundle's source map. A dudao Update creates about 35 promises, and at ten
 * frames their traces were the largest single cost of the worker's workflow thread: worker CPU
 * per Update fell from 7.8–8.2 ms to 7.1–7.7 ms at five frames (6.8 ms at three), on the bench's
 * 100 projects (`npm run bench`, project cost). Five keep, for each pending promise, where it
 * was made and two callers above it (the two innermost frames are the worker's own hook), and a
 * thrown error's five innermost frames, which is where the cause of a failed workflow task is.
 *
 * Set once per worker: the module is preloaded (worker/bundle.ts) before the worker freezes the
 * sandbox's globals, `Error` with them.
 */
export const STACK_TRACE_LIMIT = 5;

Error.stackTraceLimit = STACK_TRACE_LIMIT;
