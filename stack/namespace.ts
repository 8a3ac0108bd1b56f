import { Connection, type ConnectionOptions } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { SetupError } from './errors';
import { retryWhile } from './retry-while';
import { searchAttributeTypes } from '../workflows/search-attributes';

/** gRPC status codes Temporal answers with (google.rpc.Code). */
const grpcCode = { NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, UNAUTHENTICATED: 16 } as const;
const codeOf = (err: unknown): number | undefined => (err as { code?: unknown }).code as number | undefined;
const denied = (err: unknown) =>
  codeOf(err) === grpcCode.PERMISSION_DENIED || codeOf(err) === grpcCode.UNAUTHENTICATED;

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const indexedType: Record<(typeof searchAttributeTypes)[keyof typeof searchAttributeTypes], number> = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

/** The slice of a Temporal connection that namespace preparation uses (a fake stands in for it in unit tests). */
export interface NamespaceServices {
  workflowService: Pick<
    Connection['workflowService'],
    'describeNamespace' | 'registerNamespace' | 'listWorkflowExecutions'
  >;
  operatorService: Pick<Connection['operatorService'], 'listSearchAttributes' | 'addSearchAttributes'>;
}

export interface PrepareNamespaceOptions {
  /** Retention of closed workflows' histories when dudao creates the namespace (days). */
  retentionDays?: number;
  /** How long to wait for a new namespace or new search attributes to reach every frontend. */
  settleTimeoutMs?: number;
  log?: (line: string) => void;
}

/** The `temporal` CLI lines an administrator runs when dudao may not change the cluster itself. */
const attributeCommands = (namespace: string) =>
  Object.entries(searchAttributeTypes)
    .map(
      ([name, type]) =>
        `temporal operator search-attribute create -n ${namespace} --name ${name} --type ${type}`,
    )
    .join('；');

/**
 * Makes `namespace` ready for dudao on any cluster: creates it when it is missing (where the
 * credentials allow), registers dudao's search attributes through the operator service, and waits
 * until the frontend accepts a visibility query naming every attribute, so workflows that set them
 * start at once. Where the credentials do not allow a change, the error says what to ask for.
 */
export async function prepareNamespaceOn(
  services: NamespaceServices,
  namespace: string,
  opts: PrepareNamespaceOptions = {},
): Promise<{ created: boolean; registered: string[] }> {
  const log = opts.log ?? (() => undefined);
  const settleTimeoutMs = opts.settleTimeoutMs ?? 30_000;
  const created = await ensureNamespace(services, namespace, opts.retentionDays ?? 30, log);
  if (created) await settle(services, namespace, '', settleTimeoutMs);

  let existing: Record<string, unknown>;
  try {
    existing = (await services.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (err) {
    if (denied(err))
      throw new SetupError(
        `当前凭据无权查看命名空间 ${namespace} 的搜索属性（${(err as Error).message}）。`,
        `请集群管理员为 dudao 的连接凭据授予该命名空间的读权限，或代为注册搜索属性：${attributeCommands(namespace)}`,
      );
    throw err;
  }
  const missing = Object.entries(searchAttributeTypes).filter(([name]) => !(name in existing));
  if (missing.length > 0) {
    try {
      await services.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, indexedType[type]])),
      });
    } catch (err) {
      if (denied(err))
        throw new SetupError(
          `当前凭据无权在命名空间 ${namespace} 注册 dudao 的搜索属性（缺少：${missing.map(([n]) => n).join('、')}；${(err as Error).message}）。`,
          `请集群管理员注册后再启动（托管集群请在其控制台或 tcld 中添加）：${attributeCommands(namespace)}`,
        );
      throw err;
    }
    log(`已在命名空间 ${namespace} 注册搜索属性：${missing.map(([n]) => n).join('、')}`);
  }
  await settle(services, namespace, everyAttributeQuery(), settleTimeoutMs);
  return { created, registered: missing.map(([name]) => name) };
}

/** Connects with `options` and prepares the namespace (see prepareNamespaceOn). */
export async function prepareNamespace(
  options: ConnectionOptions,
  namespace: string,
  opts: PrepareNamespaceOptions = {},
): Promise<{ created: boolean; registered: string[] }> {
  const connection = await Connection.connect(options);
  try {
    return await prepareNamespaceOn(connection, namespace, opts);
  } finally {
    await connection.close();
  }
}

async function ensureNamespace(
  services: NamespaceServices,
  namespace: string,
  retentionDays: number,
  log: (line: string) => void,
): Promise<boolean> {
  try {
    await services.workflowService.describeNamespace({ namespace });
    return false;
  } catch (err) {
    if (denied(err))
      throw new SetupError(
        `当前凭据无权访问命名空间 ${namespace}（${(err as Error).message}）。`,
        '请检查 TEMPORAL_NAMESPACE 是否正确，以及证书或 TEMPORAL_API_KEY 是否有该命名空间的权限。',
      );
    if (codeOf(err) !== grpcCode.NOT_FOUND) throw err;
  }
  try {
    await services.workflowService.registerNamespace({
      namespace,
      description: 'dudao 督导',
      workflowExecutionRetentionPeriod: msToTs(retentionDays * 86_400_000),
    });
  } catch (err) {
    if (codeOf(err) === grpcCode.ALREADY_EXISTS) return false; // another process created it meanwhile
    if (denied(err))
      throw new SetupError(
        `命名空间 ${namespace} 不存在，当前凭据也无权创建（${(err as Error).message}）。`,
        `请集群管理员创建该命名空间（例如 temporal operator namespace create -n ${namespace} --retention ${retentionDays}d；托管集群请在其控制台创建），或把 TEMPORAL_NAMESPACE 设为已有的命名空间。`,
      );
    throw err;
  }
  log(`已创建 Temporal 命名空间 ${namespace}（已结束流程的历史保留 ${retentionDays} 天）`);
  return true;
}

/** A visibility query that the frontend rejects until it knows every dudao search attribute. */
const everyAttributeQuery = () =>
  Object.entries(searchAttributeTypes)
    .map(([name, type]) => (type === 'Datetime' ? `${name} IS NULL` : `${name} = 'dudao-probe'`))
    .join(' AND ');

/**
 * A new namespace or attribute reaches each frontend through its namespace cache (refreshed every
 * few seconds): wait until a listing with `query` is accepted (an empty query: the namespace is known).
 */
async function settle(
  services: NamespaceServices,
  namespace: string,
  query: string,
  timeoutMs: number,
): Promise<void> {
  await retryWhile(() => services.workflowService.listWorkflowExecutions({ namespace, pageSize: 1, query }), {
    transient: () => true,
    waitMs: timeoutMs,
  }).catch((err: unknown) => {
    throw new SetupError(
      `命名空间 ${namespace} 在 ${Math.round(timeoutMs / 1000)} 秒内仍未就绪：${(err as Error).message}`,
      '集群可能仍在启动或负载过高：稍后重试；若一再出现，请检查 Temporal 服务日志。',
    );
  });
}
