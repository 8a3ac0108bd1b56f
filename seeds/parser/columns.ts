/**
 * The columns of a task-division table (分工表), named by its header: 序号 | 重点任务 | 牵头单位 | 配合单位 |
 * 完成时限 | 分管领导, with the variants offices use. A header cell is short; the first match decides.
 */
export type ColumnRole = 'seq' | 'task' | 'lead' | 'co' | 'units' | 'deadline' | 'leader' | 'other';

const ROLES: [ColumnRole, RegExp][] = [
  ['leader', /领导/],
  ['co', /配合|协同|协助|协办|参与|协作|协调/],
  ['lead', /牵头|主责|主要责任|主办/],
  [
    'units',
    /责任单位|责任部门|责任处室|责任科室|负责单位|负责部门|承办单位|责任主体|实施单位|落实单位|责任人?$/,
  ],
  ['deadline', /时限|时间|节点|期限|日期|进度安排|完成时/],
  ['seq', /^(序号|编号|序|编码|No\.?)$/i],
  ['task', /任务|项目|工作内容|内容|事项|举措|措施|工作|目标|要求/],
];
const MAX_HEADER_LENGTH = 14;

export function columnRole(header: string): ColumnRole | null {
  const h = header.replace(/\s+/g, '');
  if (h === '' || h.length > MAX_HEADER_LENGTH) return null;
  return ROLES.find(([, re]) => re.test(h))?.[0] ?? null;
}

/**
 * Roles of a header row: the first task-like column is the task, later ones carry detail (其他); a
 * 责任单位 column beside a 牵头单位 column lists the co-responsible units.
 */
export function headerRoles(cells: string[]): (ColumnRole | null)[] {
  const roles = cells.map(columnRole);
  const hasLead = roles.includes('lead');
  const hasCo = roles.includes('co');
  let taskSeen = false;
  return roles.map((role, i) => {
    if (role === 'task') {
      if (taskSeen) return 'other';
      taskSeen = true;
    }
    // 责任单位 beside 牵头单位 lists the co-responsible units; beside 配合单位 it is the lead.
    if (role === 'units' && hasLead) return 'co';
    if (role === 'units' && hasCo) return 'lead';
    return role === null && (cells[i] ?? '').trim() !== '' ? 'other' : role;
  });
}

/** A header a task table can be read by: a task column and a unit or time column. */
export function isTaskHeader(cells: string[]): boolean {
  const roles = cells.map(columnRole);
  return (
    roles.includes('task') &&
    (['lead', 'co', 'units', 'deadline'] as ColumnRole[]).some((r) => roles.includes(r))
  );
}

/** Header cells that name a known column, for messages. */
export const KNOWN_COLUMNS =
  '序号、重点任务（任务、项目、工作内容）、牵头单位（责任单位）、配合单位、完成时限（时间节点）、分管领导';
