import { evidenceFileFor } from '../../../cli/demo/evidence-files';
import { rectifies } from '../../../cli/demo/rectification-round';
import {
  DEFAULT_SIMULATION,
  nextAction,
  reportedValue,
  seeded,
  type Submission,
} from '../../../cli/demo/simulated-units';
import { storeEvidenceFile, typeOfName } from '../../../db/evidence';
import { targetMet } from '../../../domain/project';
import type { Target } from '../../../domain/plan';
import type { ProjectView } from '../../../workflows/messages';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const targets: Target[] = [
  { metric: '普惠性幼儿园覆盖面', op: '>=', value: 80, unit: '%', year: 2017 },
  { metric: '等级幼儿园覆盖面', op: '>', value: 95, unit: '%', year: 2020 },
  { metric: '新建幼儿园', op: '=', value: 10, unit: '所', year: 2018 },
  { metric: '辍学率', op: '<=', value: 3, unit: '‰', year: 2019 },
  { metric: '大班额比例', op: '<', value: 5, unit: '%', year: 2019 },
  { metric: '生均经费', op: '≈', value: 1200, unit: '元', year: 2020 },
];
const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);

describe('the demo’s simulated units', () => {
  it('draw their chance from the seed alone: the same key, the same number, in [0, 1)', () => {
    const drawn = keys.map(seeded);
    expect(keys.map(seeded)).toEqual(drawn);
    expect(drawn.every((x) => x >= 0 && x < 1)).toBe(true);
    // Spread out, not stuck: each tenth of the interval is hit.
    expect(new Set(drawn.map((x) => Math.floor(x * 10))).size).toBe(10);
    expect(seeded('dudao|a')).not.toBe(seeded('other|a'));
  });

  it('report values that meet a target when on time and miss it when short, a share never above 100%', () => {
    for (const t of targets)
      for (const key of keys) {
        const met = reportedValue(t, key, false);
        const short = reportedValue(t, key, true);
        expect([t.op, met, targetMet(t, met)]).toEqual([t.op, met, true]);
        expect([t.op, short, targetMet(t, short)]).toEqual([t.op, short, false]);
        if (t.unit === '%') expect(met).toBeLessThanOrEqual(100);
        // Counts in whole numbers: 9 所, never 9.1 所.
        if (t.unit === '所') expect([met, short].every(Number.isInteger)).toBe(true);
      }
    // Varied, not one value per target.
    expect(new Set(keys.map((k) => reportedValue(targets[0]!, k, false))).size).toBeGreaterThan(50);
  });

  it('rectify about three 整改 in five, the same ones for the same seed', () => {
    const ids = keys.map((k) => `ZG-demo-${k}`);
    const chosen = ids.filter((id) => rectifies(DEFAULT_SIMULATION, id));
    expect(ids.filter((id) => rectifies(DEFAULT_SIMULATION, id))).toEqual(chosen);
    expect(chosen.length / ids.length).toBeGreaterThan(0.45);
    expect(chosen.length / ids.length).toBeLessThan(0.75);
  });

  it('attach a CSV of the values reported that the evidence store accepts, the same bytes each time', async () => {
    const view = {
      state: {
        projectId: '2.1.4.1',
        title: '持续推进学前教育行动计划',
        milestones: [{ milestoneId: '2.1.4.1/2017', targets: [targets[0]] }],
      },
    } as unknown as ProjectView;
    const report: Submission = {
      type: 'submitReport',
      actor: { userId: '基教处-经办人', role: 'unit_staff', unit: '基教处' },
      milestoneId: '2.1.4.1/2017',
      narrative: '工作按计划推进。',
      values: [{ targetIndex: 0, value: 86.4 }],
      evidence: [],
    };
    const file = evidenceFileFor(report, view);
    expect(file.name).toBe('2.1.4.1-2017-佐证数据.csv');
    expect(typeOfName(file.name)).toBe(file.type);
    expect(file.bytes.toString('utf8')).toBe(
      '\ufeff事项,节点,指标,目标值,报送值,单位\r\n2.1.4.1,2.1.4.1/2017,普惠性幼儿园覆盖面,≥80,86.4,%\r\n',
    );
    expect(evidenceFileFor(report, view).bytes.equals(file.bytes)).toBe(true);
    const statement = evidenceFileFor({ ...report, values: [] }, view);
    expect(statement.name).toBe('2.1.4.1-2017-情况说明.txt');
    expect(statement.bytes.toString('utf8')).toContain('报送单位：基教处');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-evidence-'));
    try {
      for (const f of [file, statement])
        await expect(storeEvidenceFile(dir, f, 1 << 20)).resolves.toMatchObject({ name: f.name });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leave the reports’ evidence to the attacher: nothing is cited that was not uploaded', () => {
    const view = {
      clock: { realAt: '2017-01-01T00:00:00.000Z', planAt: '2017-06-01T00:00:00.000Z', rate: 1 },
      state: {
        status: 'active',
        projectId: 'p',
        title: 'T',
        periods: [],
        milestones: [
          {
            milestoneId: 'p/2017',
            phase: 'assigned',
            text: '节点',
            dueAt: '2017-12-29T09:00:00.000Z',
            returns: 0,
            extensions: [],
            targets: [targets[0]],
            assignments: [
              {
                assignmentId: 'p/2017/lead',
                role: 'lead',
                unit: '基教处',
                acknowledged: true,
                escalationLevel: 0,
              },
            ],
          },
        ],
      },
    } as unknown as ProjectView;
    const command = nextAction(view, 'on_time');
    expect(command).toMatchObject({ type: 'submitReport', evidence: [] });
  });
});
