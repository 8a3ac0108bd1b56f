import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

export const workflowsPath = (): string => require.resolve(path.join(__dirname, '..', 'workflows'));

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

export const bundleOptions = (): Pick<BundleOptions, 'workflowsPath' | 'webpackConfigHook'> => ({
  workflowsPath: workflowsPath(),
  webpackConfigHook,
});
