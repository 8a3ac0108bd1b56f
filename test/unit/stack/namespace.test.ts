import { prepareNamespaceOn, type NamespaceServices } from '../../../stack/namespace';
import { SetupError } from '../../../stack/errors';
import { searchAttributeTypes } from '../../../workflows/search-attributes';

/** A gRPC error as the client surfaces it: a message and google.rpc.Code. */
const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code });
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;

/** A cluster as a managed service answers a restricted key: `deny` lists the calls it refuses. */
function cluster(opts: { namespaceExists: boolean; attributes: string[]; deny: string[] }) {
  const calls: string[] = [];
  const guard = (name: string) => {
    calls.push(name);
    if (opts.deny.includes(name)) throw grpcError(PERMISSION_DENIED, 'Request unauthorized.');
  };
  const services = {
    workflowService: {
      describeNamespace: async () => {
        guard('describeNamespace');
        if (!opts.namespaceExists) throw grpcError(NOT_FOUND, 'Namespace dudao is not found.');
        return {};
      },
      registerNamespace: async () => {
        guard('registerNamespace');
        return {};
      },
      listWorkflowExecutions: async () => ({}),
    },
    operatorService: {
      listSearchAttributes: async () => {
        guard('listSearchAttributes');
        return { customAttributes: Object.fromEntries(opts.attributes.map((a) => [a, 2])) };
      },
      addSearchAttributes: async () => {
        guard('addSearchAttributes');
        return {};
      },
    },
  } as unknown as NamespaceServices;
  return { services, calls };
}

const refusal = async (p: Promise<unknown>): Promise<SetupError> => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SetupError);
  return err as SetupError;
};

describe('preparing a namespace on a cluster dudao may not change', () => {
  it('names the namespace and the command to create it when creation is denied', async () => {
    const { services, calls } = cluster({
      namespaceExists: false,
      attributes: [],
      deny: ['registerNamespace'],
    });
    const err = await refusal(prepareNamespaceOn(services, 'dudao'));
    expect(err.message).toMatch('命名空间 dudao 不存在，当前凭据也无权创建');
    expect(err.hint).toMatch('temporal operator namespace create -n dudao');
    expect(calls).not.toContain('addSearchAttributes');
  });

  it('lists the missing attributes and how to add them when registration is denied', async () => {
    const { services } = cluster({
      namespaceExists: true,
      attributes: ['DudaoCycleId'],
      deny: ['addSearchAttributes'],
    });
    const err = await refusal(prepareNamespaceOn(services, 'dudao'));
    expect(err.message).toMatch('无权在命名空间 dudao 注册 dudao 的搜索属性');
    expect(err.message).toMatch('DudaoKind');
    expect(err.message).not.toMatch('DudaoCycleId、');
    expect(err.hint).toMatch(
      'temporal operator search-attribute create -n dudao --name DudaoUnits --type KeywordList',
    );
  });

  it('changes nothing on a namespace that already has every attribute', async () => {
    const { services, calls } = cluster({
      namespaceExists: true,
      attributes: Object.keys(searchAttributeTypes),
      deny: ['registerNamespace', 'addSearchAttributes'],
    });
    await expect(prepareNamespaceOn(services, 'dudao')).resolves.toEqual({ created: false, registered: [] });
    expect(calls).toEqual(['describeNamespace', 'listSearchAttributes']);
  });
});
