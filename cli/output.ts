import { WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { SetupError } from '../stack/errors';
import { DomainError } from '../domain/commands';

/** Turns any failure into a message a civil servant can act on, and a non-zero exit. */
export function reportError(err: unknown): number {
  if (err instanceof SetupError) {
    console.error(`错误：${err.message}\n下一步：${err.hint}`);
    return 2;
  }
  if (err instanceof DomainError) {
    console.error(`操作被拒绝（${err.code}）：${err.message}`);
    return 1;
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      console.error(`操作被拒绝（${cause.type ?? 'rejected'}）：${cause.message}`);
      return 1;
    }
    console.error(`操作失败：${cause?.message ?? err.message}`);
    return 1;
  }
  if (err instanceof WorkflowNotFoundError) {
    console.error(
      `找不到该工作流：${err.workflowId ?? ''}。请用 dudao cycle list / dudao task list 查看现有事项。`,
    );
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
