/**
 * 导入规划 over HTTP: a plan file (text, Word, PDF, Excel or CSV) is parsed and previewed — items,
 * warnings, and what importing would change — then imported on confirmation. The confirmation sends the
 * file again with the content hash the preview showed, so what is imported is what was reviewed.
 */
import path from 'node:path';
import type { Plan } from '../domain/plan';
import {
  contentHash,
  importPlan,
  previewImport,
  type ImportPreview,
  type ImportResult,
} from '../seeds/import';
import { parsePlanFile } from '../seeds/parser/document';
import type { AppDeps } from './deps';
import { ApiError } from './errors';

/** Largest plan file accepted: a scheme is text, tables or a PDF of them, never tens of megabytes. */
export const PLAN_MAX_BYTES = 10 * 1024 * 1024;

export interface ParsedUpload {
  fileName: string;
  plan: Plan;
  text: string;
  contentHash: string;
}

export async function parseUpload(file: File): Promise<ParsedUpload> {
  const fileName = path.basename(file.name || '规划文件').slice(0, 200);
  if (file.size === 0) throw new ApiError(400, 'invalid_command', `“${fileName}”是空文件`);
  if (file.size > PLAN_MAX_BYTES)
    throw new ApiError(413, 'too_large', `规划文件超过 ${PLAN_MAX_BYTES / 1048576} MB 上限`);
  const outcome = await parsePlanFile(new Uint8Array(await file.arrayBuffer()), fileName);
  if (!outcome.ok) throw new ApiError(400, 'unreadable_plan', `${fileName}：${outcome.error}`);
  return { fileName, plan: outcome.plan, text: outcome.text, contentHash: contentHash(outcome.text) };
}

export async function previewUpload(deps: AppDeps, file: File): Promise<ParsedUpload & ImportPreview> {
  const parsed = await parseUpload(file);
  return { ...parsed, ...(await previewImport(deps.db, parsed.plan, parsed.text)) };
}

export async function importUpload(
  deps: AppDeps,
  file: File,
  expectedHash: string,
): Promise<{ parsed: ParsedUpload; result: ImportResult }> {
  const parsed = await parseUpload(file);
  if (parsed.contentHash !== expectedHash)
    throw new ApiError(409, 'conflict', '文件内容与预览时不同，请重新预览后再确认导入');
  return { parsed, result: await importPlan(deps.db, parsed.plan, parsed.text, parsed.fileName) };
}
