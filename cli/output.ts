import { SetupError } from '../stack/errors';
import { z, ZodError } from 'zod';
import { DomainError } from '../domain/commands';

/** Failures only the Temporal client raises: when one is thrown, the client is already loaded. */
const TEMPORAL_ERRORS = new Set(['WorkflowUpdateFailedError', 'WorkflowNotFoundError']);

/** Turns any failure into a message a civil servant can act on, and a non-zero exit. */
export async function reportError(err: unknown): Promise<number> {
  if (err instanceof SetupError) {
    console.error(`错误：${err.message}\n下一步：${err.hint}`);
    return 2;
  }
  if (err instanceof DomainError) {
    console.error(`操作被拒绝（${err.code}）：${err.message}`);
    return 1;
  }
  // Commands that never talk to Temporal (task list, reports) never load its client.
  const temporal =
    err instanceof Error && TEMPORAL_ERRORS.has(err.name)
      ? { ...(await import('@temporalio/client')), ...(await import('@temporalio/common')) }
      : null;
  const { WorkflowUpdateFailedError, WorkflowNotFoundError, ApplicationFailure } = temporal ?? {};
  if (WorkflowUpdateFailedError && err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (ApplicationFailure && cause instanceof ApplicationFailure) {
      console.error(`操作被拒绝（${cause.type ?? 'rejected'}）：${cause.message}`);
      return 1;
    }
    console.error(`操作失败：${cause?.message ?? err.message}`);
    return 1;
  }
  if (WorkflowNotFoundError && err instanceof WorkflowNotFoundError) {
    console.error(
      `找不到该工作流：${err.workflowId ?? ''}。请用 dudao cycle list / dudao task list 查看现有事项。`,
    );
    return 1;
  }
  if (err instanceof ZodError) {
    console.error(`输入有误：\n${z.prettifyError(err)}`);
    return 1;
  }
  const file = fileProblem(err);
  if (file) {
    console.error(`错误：${file}`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/ECONNREFUSED|UNAVAILABLE|Failed to connect/i.test(message)) {
    console.error(
      `无法连接 Temporal 服务：${message}\n下一步：请先运行 dudao up，或设置 TEMPORAL_ADDRESS 指向已有集群。`,
    );
    return 2;
  }
  console.error(`错误：${message}`);
  return 1;
}

/** A file the command could not read, said the way a person can fix it. */
export function fileProblem(err: unknown, file?: string): string | null {
  const { code, path: named } = (err ?? {}) as { code?: unknown; path?: unknown };
  const path = typeof named === 'string' ? named : file;
  if (path === undefined) return null;
  switch (code) {
    case 'ENOENT':
      return `找不到文件 ${path}，请检查路径是否正确。`;
    case 'EISDIR':
      return `${path} 是一个文件夹，请给出其中的文件（如 .txt、.docx、.pdf、.xlsx）。`;
    case 'EACCES':
    case 'EPERM':
      return `没有权限读写 ${path}，请检查文件权限。`;
    default:
      return null;
  }
}
