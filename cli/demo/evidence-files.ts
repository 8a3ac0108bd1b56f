import type { ProjectView } from '../../workflows/messages';
import type { Submission } from './simulated-units';

/** A file as a unit would upload it: name, declared type, bytes. */
export interface EvidenceFile {
  name: string;
  type: string;
  bytes: Buffer;
}

const OP_LABEL: Record<string, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '达到', '≈': '约' };
/** A byte-order mark, so spreadsheet programs read the CSV's Chinese as UTF-8. */
const BOM = '\ufeff';
const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const fileStem = (id: string) => id.replace(/[/\\:]/g, '-');

/**
 * The evidence a simulated unit attaches to what it sends, made from what it reports: a report with
 * values carries a CSV of each 目标值 and the value reported (佐证数据); anything else a short TXT
 * statement (情况说明). The same submission always makes the same bytes, so a retried upload is the
 * same file under the same SHA-256.
 */
export function evidenceFileFor(command: Submission, view: ProjectView): EvidenceFile {
  const s = view.state;
  if (command.type === 'submitReport' && command.values.length > 0) {
    const m = s.milestones.find((x) => x.milestoneId === command.milestoneId);
    const rows = command.values.map(({ targetIndex, value }) => {
      const t = m?.targets[targetIndex];
      return [
        s.projectId,
        command.milestoneId,
        t?.metric ?? `指标${targetIndex + 1}`,
        t ? `${OP_LABEL[t.op] ?? t.op}${t.value}` : '',
        value,
        t?.unit ?? '',
      ];
    });
    const lines = [['事项', '节点', '指标', '目标值', '报送值', '单位'], ...rows];
    return {
      name: `${fileStem(command.milestoneId)}-佐证数据.csv`,
      type: 'text/csv',
      bytes: Buffer.from(BOM + lines.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n', 'utf8'),
    };
  }
  const subject =
    command.type === 'submitReport'
      ? command.milestoneId
      : command.type === 'submitProgress'
        ? command.periodId
        : command.assignmentId;
  const unit = command.actor.unit ?? '';
  const text = [
    `${s.title}（${s.projectId}）情况说明`,
    '',
    `报送事项：${subject}`,
    `报送单位：${unit}`,
    '',
    command.narrative,
    '',
  ].join('\r\n');
  return { name: `${fileStem(subject)}-情况说明.txt`, type: 'text/plain', bytes: Buffer.from(text, 'utf8') };
}
