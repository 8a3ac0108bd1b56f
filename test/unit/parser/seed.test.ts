/**
 * The seed document, asserted item by item. The expectations were written from reading
 * seeds/quzhou-education-13th-fyp-task-division.txt, line numbers included.
 */
import { Plan } from '../../../domain/plan';
import { itemAt, parseFile } from './helpers';

const plan = parseFile('seeds', 'quzhou-education-13th-fyp-task-division.txt');

describe('the 衢州 education seed', () => {
  it('is a valid Plan with the scheme name, issuer and date', () => {
    expect(() => Plan.parse(plan)).not.toThrow();
    expect(plan.title).toBe('衢州市教育事业发展“十三五”规划任务分工方案');
    expect(plan.documentTitle).toMatch(/^衢州市教育局办公室关于印发《/);
    expect(plan.issuer).toBe('衢州市教育局');
    expect(plan.issuedOn).toBe('2020-12-09');
  });

  it('counts 8 indicators, 58 tasks and 16 major projects', () => {
    const count = (kind: string) => plan.items.filter((i) => i.kind === kind).length;
    expect([count('indicator'), count('task'), count('major_project')]).toEqual([8, 58, 16]);
    expect(plan.items.filter((i) => i.kind === 'indicator').map((i) => i.sourceLine)).toEqual([
      3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('has unique ids that follow the numbering', () => {
    expect(new Set(plan.items.map((i) => i.id)).size).toBe(plan.items.length);
    expect(itemAt(plan, 3).id).toBe('1.1');
    expect(itemAt(plan, 17).id).toBe('2.1.4.1');
    expect(itemAt(plan, 32).id).toBe('2.3.3.1');
    expect(itemAt(plan, 67).id).toBe('3.1.5.2');
    expect(itemAt(plan, 98).id).toBe('4.1.1');
  });

  // Line → [lead, ...co-units] for each of the 16 major projects.
  const majorProjects: [number, string[]][] = [
    [17, ['基教处', '计财处', '督导处']],
    [18, ['计财处', '基教处']],
    [25, ['计财处']],
    [26, ['基教处', '教研室']],
    [27, ['计财处', '督导处']],
    [32, ['督导处', '基教处', '教研室']],
    [38, ['衢州学院', '衢州职业技术学院', '职成教处', '高师处']],
    [43, ['衢州学院', '衢州职业技术学院', '高师处']],
    [50, ['基教处', '计财处', '组人处', '高师处']],
    [51, ['基教处', '计财处']],
    [57, ['高师处', '考试院', '职成教处']],
    [58, ['职成教处']],
    [66, ['基教处', '职成教处']],
    [67, ['市素质实践学校', '基教处', '职成教处']],
    [112, ['高师处', '职成教处', '基教处']],
    [113, ['组人处', '高师处']],
  ];
  it.each(majorProjects)('major project on line %i has units %j', (line, units) => {
    const item = itemAt(plan, line);
    expect(item.kind).toBe('major_project');
    expect(item.units).toEqual(units);
  });

  it('reads the heading paths as written, numbering included', () => {
    expect(itemAt(plan, 17).path).toEqual(['二、各级各类教育发展', '（一）学前教育', '4.重大项目']);
    expect(itemAt(plan, 32).path).toEqual(['二、各级各类教育发展', '（三）普通高中教育', '3.重大项目']);
    expect(itemAt(plan, 98).path).toEqual(['四、保障措施', '（一）保障措施']);
  });

  it('takes short leading phrases as titles, and the first clause where the document gives none', () => {
    expect(itemAt(plan, 17)).toMatchObject({ title: '持续推进学前教育行动计划', titleSource: 'document' });
    expect(itemAt(plan, 18).title).toBe('普惠性幼儿园建设工程');
    expect(itemAt(plan, 38).title).toBe('产教融合发展工程');
    expect(itemAt(plan, 43)).toMatchObject({
      title: '新建10个省级优势专业建设项目和新兴特色专业建设项目',
      titleSource: 'first_clause',
    });
    expect(itemAt(plan, 3).title).toBe('学前三年入园率达到97%以上和学前教育示范乡镇50个以上');
  });

  it('keeps the full text without the units bracket', () => {
    expect(itemAt(plan, 4).text).toBe('九年义务教育巩固率达到100%。');
    expect(itemAt(plan, 95).text).toMatch(/构建完善的校园安全责任体系。强化事故预防措施.*能力。$/);
  });

  it('finds every milestone year', () => {
    const years = plan.items
      .filter((i) => i.milestones.length > 0)
      .map((i) => [i.sourceLine, i.milestones.map((m) => m.year)]);
    expect(years).toEqual([
      [17, [2016, 2017, 2020]],
      [26, [2020]],
      [32, [2020]],
      [58, [2020]],
      [66, [2020]],
      [87, [2020]],
      [90, [2020]],
      [93, [2020]],
      [112, [2020]],
    ]);
    expect(itemAt(plan, 17).milestones[0]).toEqual({ year: 2016, text: '全面解决无证园问题' });
  });

  it('reads recurring duties', () => {
    expect(itemAt(plan, 27).recurrences.map((r) => r.everyYears)).toEqual([2]);
    expect(itemAt(plan, 112).recurrences.map((r) => r.everyYears)).toEqual([1]);
  });

  const targets: [number, [string, string, number, string, number | null][]][] = [
    [
      3,
      [
        ['学前三年入园率', '>=', 97, '%', null],
        ['学前教育示范乡镇', '>=', 50, '个', null],
        ['残疾幼儿学前入园率', '>=', 90, '%', null],
        ['残疾儿童少年九年义务教育入学率', '>=', 98, '%', null],
        ['听障儿童少年高中段入学率', '>=', 95, '%', null],
      ],
    ],
    [4, [['九年义务教育巩固率', '>=', 100, '%', null]]],
    [5, [['义务教育标准化中小学校比例', '>', 95, '%', null]]],
    [
      6,
      [
        ['学前教育等级幼儿园在园儿童覆盖面', '>', 95, '%', null],
        ['一级幼儿园在园儿童覆盖面', '>=', 35, '%', null],
      ],
    ],
    [
      7,
      [
        ['中等职业教育三级以上职校比例', '>=', 95, '%', null],
        ['一级职校比例', '>', 70, '%', null],
      ],
    ],
    [
      8,
      [
        ['普通高中特色示范学校率', '>=', 80, '%', null],
        ['高中段教育毛入学率', '>=', 95, '%', null],
      ],
    ],
    [
      9,
      [
        ['主要劳动年龄（16-59岁）人口平均受教育年限', '>=', 12, '年', null],
        ['新增劳动力平均受教育年限', '>=', 14, '年', null],
        ['全市15岁以上常住人口识字率', '>', 98, '%', null],
        ['常住老龄人口中享受老年教育人口覆盖面', '>=', 60, '%', null],
      ],
    ],
    [
      10,
      [
        ['小学30人以下班级', '=', 30, '%', null],
        ['初中35人以下班级', '=', 20, '%', null],
      ],
    ],
    [
      17,
      [
        ['普惠性幼儿园覆盖面', '>=', 80, '%', 2017],
        ['等级幼儿园覆盖面', '>=', 95, '%', 2020],
      ],
    ],
    [
      26,
      [
        ['小学30人以下班级', '=', 30, '%', 2020],
        ['中学35人以下班级', '=', 20, '%', 2020],
      ],
    ],
    [32, [['全市特色示范高中比例', '>=', 80, '%', 2020]]],
    [
      38,
      [
        ['应用型专业本科在校生', '>=', 6000, '人', null],
        ['职业教育专科在校生总规模', '≈', 8000, '人', null],
      ],
    ],
    [
      46,
      [
        ['资源教室', '>=', 1, '个', null], // 每个乡镇（街道）至少有一个资源教室, in Chinese numerals
        ['全市示范性资源教室', '>=', 80, '个', null],
      ],
    ],
    [
      58,
      [
        ['全市15岁以上常住人口识字率', '>', 98, '%', 2020],
        ['常住老龄人口中享受老年教育人口覆盖面', '>=', 60, '%', 2020],
      ],
    ],
    [87, [['中小学建成智慧校园', '>=', 80, '%', 2020]]],
    [
      112,
      [
        ['组织市级以上培训', '=', 1000, '人', null],
        ['县级培训', '=', 3000, '人', null],
        ['全市中职学校专业课和实习指导教师', '>=', 75, '%', 2020],
        ['职业院校教师原则上每年', '>=', 2, '个月', null],
      ],
    ],
  ];
  it.each(targets)('targets of the item on line %i', (line, expected) => {
    const actual = itemAt(plan, line).targets.map((t) => [t.metric, t.op, t.value, t.unit, t.year]);
    expect(actual).toEqual(expected);
  });

  it('reports exactly the irregularities of the document', () => {
    expect(plan.warnings.map((w) => w.line)).toEqual([67, 72, 72, 97, 120]);
    expect(plan.warnings.map((w) => w.message).join('\n')).toMatch(
      /（）.*第2项[\s\S]*末尾有多余的“、”[\s\S]*督导室.*督导处[\s\S]*（一保障措施[\s\S]*未写责任单位/,
    );
  });

  it('keeps 督导室 and 督导处 apart in the unit registry', () => {
    expect(plan.units).toEqual([
      '基教处',
      '督导处',
      '计财处',
      '职成教处',
      '高师处',
      '教研室',
      '组人处',
      '衢州学院',
      '衢州职业技术学院',
      '考试院',
      '电教馆',
      '市素质实践学校',
      '督导室',
      '安监处',
      '纪检组',
      '办公室',
    ]);
    expect(itemAt(plan, 72).units).toEqual(['督导室', '基教处', '职成教处']);
    expect(itemAt(plan, 120).units).toEqual([]);
  });

  it('is stable across re-parses', () => {
    expect(parseFile('seeds', 'quzhou-education-13th-fyp-task-division.txt')).toEqual(plan);
  });
});
