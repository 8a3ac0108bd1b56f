import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database';
import { workerOptions } from '../../../worker/worker';
import { preloadModules, workflowInterceptorModules, workflowsPath } from '../../../worker/bundle';

const deps = {
  connectionOptions: { address: '127.0.0.1:7233' },
  namespace: 'default',
  db: {} as Kysely<Database>,
};

describe('the worker options', () => {
  test('a worker bundling at start preloads what the shared bundle preloads, and guards its tasks', () => {
    const options = workerOptions(deps);
    expect(options.workflowsPath).toBe(workflowsPath());
    expect(options.bundlerOptions?.preloadModules).toEqual(preloadModules());
    expect(options.bundlerOptions?.preloadModules).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/workflows\/stack-depth\.[jt]s$/),
        expect.stringMatching(/workflows\/shared-libraries\.[jt]s$/),
        expect.stringMatching(/workflows\/shared-domain\.[jt]s$/),
      ]),
    );
    expect(options.bundlerOptions?.webpackConfigHook).toBeInstanceOf(Function);
    expect(options.interceptors?.workflowModules).toEqual(workflowInterceptorModules());
  });

  test('a prebuilt bundle is used as it is', () => {
    const options = workerOptions({ ...deps, workflowBundle: { codePath: '/tmp/bundle.js' } });
    expect(options.workflowBundle).toEqual({ codePath: '/tmp/bundle.js' });
    expect(options.workflowsPath).toBeUndefined();
    expect(options.bundlerOptions).toBeUndefined();
  });
});
