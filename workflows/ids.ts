/** A cycle's workflow id: the cycle id with a prefix, so cycles and projects never collide. */
export const cycleWorkflowId = (cycleId: string): string => `cycle-${cycleId}`;
/** A cycle names its project workflows `<cycle workflow id>/<item id>`. */
export const projectWorkflowId = (cycleWorkflowId: string, itemId: string): string =>
  `${cycleWorkflowId}/${itemId}`;
