/** The workflow bundle's entry: every workflow type the worker registers. */
export { majorProjectWorkflow } from './project';
export { inspectionCycleWorkflow } from './cycle';
export { recurringCycleWorkflow } from './recurring';
