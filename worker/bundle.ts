import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type BundleOptions, type WorkerOptions } from '@temporalio/worker';

export const workflowsPath = (): string => require.resolve(path.join(__dirname, '..', 'workflows'));

/**
 * Workflow interceptors every bundle carries: the task guard's view of workflow-task boundaries
 * (`workflows/task-guard.ts`), without which no Update is ever accepted.
 */
export const workflowInterceptorModules = (): string[] => [
  require.resolve(path.join(__dirname, '..', 'workflows', 'task-guard')),
];

/**
 * Evaluated once per worker and shared (frozen) by every workflow, rather than once per open
 * workflow: the sandbox's stack depth (`workflows/stack-depth.ts`), the libraries of
 * `workflows/shared-libraries.ts`, dudao's domain (`workflows/shared-domain.ts`), and the holiday
 * calendar (`chinese-days`: plain data and pure functions).
 */
export const preloadModules = (): string[] => [
  require.resolve(path.join(__dirname, '..', 'workflows', 'stack-depth')),
  require.resolve(path.join(__dirname, '..', 'workflows', 'shared-libraries')),
  require.resolve(path.join(__dirname, '..', 'workflows', 'shared-domain')),
  'chinese-days',
];

type WebpackConfigHook = NonNullable<BundleOptions['webpackConfigHook']>;

/**
 * chinese-days ships an ES build that webpack mis-parses in Temporal's bundle; its CommonJS main
 * is the same calendar data, so the workflow bundle resolves to that.
 */
export const webpackConfigHook: WebpackConfigHook = (config) => {
  config.resolve = config.resolve ?? {};
  config.resolve.alias = {
    ...(config.resolve.alias as object),
    'chinese-days$': require.resolve('chinese-days'),
  };
  return config;
};

export const bundleOptions = (): Pick<
  BundleOptions,
  'workflowsPath' | 'webpackConfigHook' | 'workflowInterceptorModules' | 'preloadModules'
> => ({
  workflowsPath: workflowsPath(),
  workflowInterceptorModules: workflowInterceptorModules(),
  preloadModules: preloadModules(),
  webpackConfigHook,
});

/**
 * `bundleOptions()` in the shape a worker takes when it bundles its workflows at start, so that
 * bundle is the one the tests, the benches and `npm run bundle` build (before, it left the preloaded
 * modules out: every workflow evaluated zod and the domain again).
 */
export const bundlingAtStart = (): Pick<
  WorkerOptions,
  'workflowsPath' | 'bundlerOptions' | 'interceptors'
> => {
  const options = bundleOptions();
  return {
    workflowsPath: options.workflowsPath,
    bundlerOptions: { webpackConfigHook: options.webpackConfigHook, preloadModules: options.preloadModules },
    interceptors: { workflowModules: options.workflowInterceptorModules },
  };
};

/** `npm run bundle`: the bundle `dudao worker --workflow-bundle` loads, built as the worker would. */
export async function writeBundle(file: string): Promise<void> {
  const { code } = await bundleWorkflowCode(bundleOptions());
  fs.writeFileSync(file, code);
}
