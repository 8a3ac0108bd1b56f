/**
 * Plan reading (issue 15, item 6): every item of the seed gets a short display title, quantities in
 * Chinese numerals are read as targets where a comparison makes them one, and every recurring duty is kept.
 */
import { firstClause, itemTitle } from '../../../domain/item-title';
import { mainRecurrence, Plan, PlanItem } from '../../../domain/plan';
import { extractRecurrences, yearScopes } from '../../../seeds/parser/milestones';
import { chineseNumeralValue, chineseShare } from '../../../seeds/parser/numerals';
import { extractTargets } from '../../../seeds/parser/targets';
import { parsePlan } from '../../../seeds/parser/parse';
import { parseFile } from './helpers';

const plan = parseFile('seeds', 'quzhou-education-13th-fyp-task-division.txt');
const targetsOf = (text: string) => extractTargets(text, yearScopes(text));

describe('display titles', () => {
  const majors = plan.items.filter((i) => i.kind === 'major_project');

  // Line → title, for the seven major projects whose document names no title of its own.
  const derived: [number, string][] = [
    [43, '新建10个省级优势专业建设项目和新兴特色专业建设项目'],
    [50, '推进特殊教育学校现代化建设'],
    [51, '继续推进资源教室建设'],
    [66, '推进衢州市校园文化示范学校建设'],
    [67, '建设素质教育实践基地'],
    [112, '加强教师培养培训基础建设'],
    [113, '深入实施“名师名校长工程”'],
  ];

  it('gives all 16 major projects a short title that opens their text', () => {
    expect(majors).toHaveLength(16);
    for (const item of majors) {
      expect(item.title).not.toBeNull();
      const title = item.title ?? '';
      expect(title.length).toBeGreaterThanOrEqual(6);
      expect(title.length).toBeLessThanOrEqual(30);
      expect(title).not.toMatch(/[，。；：、,]$/);
      expect(item.text.startsWith(title)).toBe(true);
    }
  });

  it.each(derived)('takes the first clause of line %i as its title: %s', (line, title) => {
    expect(majors.find((i) => i.sourceLine === line)).toMatchObject({ title, titleSource: 'first_clause' });
  });

  it('keeps the document’s own titles for the other nine', () => {
    const own = majors.filter((i) => i.titleSource === 'document').map((i) => i.sourceLine);
    expect(own).toEqual([17, 18, 25, 26, 27, 32, 38, 57, 58]);
    expect(majors.filter((i) => i.titleSource === 'first_clause')).toHaveLength(derived.length);
  });

  it('gives every item of the seed a title', () => {
    expect(plan.items.filter((i) => i.title === null)).toEqual([]);
  });

  it('does not split inside brackets or quotes, and shortens long clauses at a joint', () => {
    expect(firstClause('实施“甲，乙”计划，完成任务')).toBe('实施“甲，乙”计划');
    expect(firstClause('普通高中特色示范学校率和高中段教育毛入学率分别达到80%和95%')).toBe(
      '普通高中特色示范学校率和高中段教育毛入学率分别达到80%',
    );
    expect(
      firstClause('重点加强对中小学、幼儿园骨干教师、职业院校“双师型”师资、特教教师、高校青年教师的培训'),
    ).toBe('重点加强对中小学、幼儿园骨干教师、职业院校“双师型”师资…');
  });

  it('names an item with no text of its own by its number', () => {
    expect(itemTitle('', '2.1.3')).toEqual({ title: '条目 2.1.3', titleSource: 'item_id' });
  });

  it('gives every item of a plan stored before titles were derived its title when read', () => {
    // A version imported by the earlier parser: the derived titles null, no titleSource anywhere.
    const stored = JSON.parse(JSON.stringify(plan)) as { items: Record<string, unknown>[] };
    for (const item of stored.items) {
      if (item.titleSource === 'first_clause') item.title = null;
      delete item.titleSource;
    }
    const read = Plan.parse(stored);
    expect(read.items.map((i) => i.title)).toEqual(plan.items.map((i) => i.title));
    expect(read.items.find((i) => i.sourceLine === 50)).toMatchObject({
      title: '推进特殊教育学校现代化建设',
      titleSource: 'first_clause',
    });
    expect(read.items.find((i) => i.sourceLine === 17)?.titleSource).toBe('document');
  });

  it('refuses a title source it does not know', () => {
    expect(PlanItem.safeParse({ ...plan.items[0]!, titleSource: 'guessed' }).success).toBe(false);
  });
});

describe('Chinese numerals', () => {
  it.each([
    ['十', 10],
    ['十五', 15],
    ['三', 3],
    ['两', 2],
    ['一百零五', 105],
    ['一千二百', 1200],
    ['两万', 20000],
    ['二〇二〇', 2020],
  ])('reads %s as %i', (s, n) => expect(chineseNumeralValue(s)).toBe(n));

  it.each([
    ['百分之', '八十', 80, '%'],
    ['百分之', '百', 100, '%'],
    ['百分之', '九十五点五', 95.5, '%'],
    ['百分之', '80', 80, '%'],
    ['千分之', '三', 3, '‰'],
  ])('reads %s%s as %d%s', (per, amount, value, unit) => {
    expect(chineseShare(per, amount)).toEqual({ value, unit });
  });

  it('refuses what is no numeral', () => {
    expect(chineseNumeralValue('十三五')).toBeNull();
    expect(chineseNumeralValue('万')).toBeNull();
    expect(chineseNumeralValue('abc')).toBeNull();
  });

  it.each([
    [
      '到2018年，新建十个省级示范基地',
      { metric: '省级示范基地', op: '=', value: 10, unit: '个', year: 2018 },
    ],
    ['培育两个国家级品牌', { metric: '国家级品牌', op: '=', value: 2, unit: '个', year: null }],
    ['建设周期不超过三年', { metric: '建设周期', op: '<=', value: 3, unit: '年', year: null }],
    ['每个乡镇至少有一个资源教室', { metric: '资源教室', op: '>=', value: 1, unit: '个', year: null }],
    ['示范学校达到二十所以上', { metric: '示范学校', op: '>=', value: 20, unit: '所', year: null }],
  ])('reads %s as a target', (text, target) => {
    expect(targetsOf(text)).toEqual({ targets: [target], unattached: [] });
  });

  it.each([
    '学前三年入园率提升', // a name: 学前三年
    '普及十五年基础教育', // 十五年 qualifies the education, no comparison
    '打造一批特色学校', // 一批: "a number of"
    '完善市、县、校三级培训网络', // 三级 is a tier
    '作为一个整体推进', // 为 before a numeral is no comparison
    '第三年完成验收', // an ordinal
    '小学一年级“零起点”教学',
  ])('leaves %s as text, without a warning', (text) => {
    expect(targetsOf(text)).toEqual({ targets: [], unattached: [] });
  });

  /**
   * The seed's own sentences with their numbers written in Chinese read as the digits do: line, the sentence
   * as the document writes it, and the same with Chinese numerals (十, 两, 十二, 十四, 五十, 八十, 一百, 六千,
   * 八千, 百分之二十…九十七).
   */
  const rewritten: [number, string, string][] = [
    [
      3,
      '学前三年入园率达到97%以上和学前教育示范乡镇50个以上',
      '学前三年入园率达到百分之九十七以上和学前教育示范乡镇五十个以上',
    ],
    [
      9,
      '主要劳动年龄（16-59岁）人口平均受教育年限达到12年，新增劳动力平均受教育年限达到14年',
      '主要劳动年龄（16-59岁）人口平均受教育年限达到十二年，新增劳动力平均受教育年限达到十四年',
    ],
    [
      8,
      '普通高中特色示范学校率和高中段教育毛入学率分别达到80%和95%',
      '普通高中特色示范学校率和高中段教育毛入学率分别达到百分之八十和百分之九十五',
    ],
    [17, '到2017年，普惠性幼儿园覆盖面达到80%以上', '到2017年，普惠性幼儿园覆盖面达到百分之八十以上'],
    [38, '应用型专业本科在校生达到6000人以上', '应用型专业本科在校生达到六千人以上'],
    [38, '职业教育专科在校生总规模达到8000人左右', '职业教育专科在校生总规模达到八千人左右'],
    [
      43,
      '新建10个省级优势专业建设项目和新兴特色专业建设项目',
      '新建十个省级优势专业建设项目和新兴特色专业建设项目',
    ],
    [50, '80%的特殊教育学校实现设施设备现代化', '百分之八十的特殊教育学校实现设施设备现代化'],
    [51, '全市示范性资源教室达到80个', '全市示范性资源教室达到八十个'],
    [51, '全市示范性资源教室达到80个', '全市示范性资源教室达到一百个'],
    [
      66,
      '到2020年，全市30%的中小学成为校园文化建设示范学校',
      '到2020年，全市百分之三十的中小学成为校园文化建设示范学校',
    ],
    [
      112,
      '职业院校教师原则上每年要有不少于2个月时间到企业实训',
      '职业院校教师原则上每年要有不少于两个月时间到企业实训',
    ],
    [
      90,
      '到2020年，50%以上的高中段学校和20%以上的义务教育段学校与国外学校建立经常性的教育教学交流关系',
      '到2020年，百分之五十以上的高中段学校和百分之二十以上的义务教育段学校与国外学校建立经常性的教育教学交流关系',
    ],
  ];

  it.each(rewritten)('line %i: %s reads the same written as %s', (line, digits, chinese) => {
    expect(plan.items.find((i) => i.sourceLine === line)?.text).toContain(digits);
    const expected = targetsOf(digits);
    expect(expected.targets.length).toBeGreaterThan(0);
    const values = (t: { value: number }[]) => t.map((x) => x.value);
    const read = targetsOf(chinese);
    expect(read.unattached).toEqual([]);
    expect(read.targets.map(({ value: _v, ...rest }) => rest)).toEqual(
      expected.targets.map(({ value: _v, ...rest }) => rest),
    );
    // Every value as the digits give it, but 一百 where the document has 80.
    expect(values(read.targets)).toEqual(chinese.includes('一百') ? [100] : values(expected.targets));
  });

  it('reads the seed’s 班级 shares written in Chinese, bands left in the metric as written (line 10)', () => {
    expect(plan.items.find((i) => i.sourceLine === 10)?.text).toContain(
      '小学30人以下班级占30%，初中35人以下班级占20%',
    );
    expect(targetsOf('小学三十人以下班级占百分之三十，初中三十五人以下班级占百分之二十').targets).toEqual([
      { metric: '小学三十人以下班级', op: '=', value: 30, unit: '%', year: null },
      { metric: '初中三十五人以下班级', op: '=', value: 20, unit: '%', year: null },
    ]);
  });

  /** Items whose Chinese numerals are names, tiers or idioms: 一批, 十五年免费基础教育, 四级属地管理, “三个增长”, 两级管理. */
  it.each([35, 45, 93, 98, 99])('leaves the numerals of line %i as text, without a warning', (line) => {
    expect(plan.items.find((i) => i.sourceLine === line)?.targets).toEqual([]);
    expect(plan.warnings.filter((w) => w.line === line && w.message.includes('未能识别为目标值'))).toEqual(
      [],
    );
  });

  it('finds the seed’s 至少有一个资源教室 (lines 46 and 51) beside the digits target', () => {
    for (const line of [46, 51]) {
      const item = plan.items.find((i) => i.sourceLine === line)!;
      expect(item.targets.map((t) => [t.metric, t.op, t.value, t.unit])).toEqual([
        ['资源教室', '>=', 1, '个'],
        ['全市示范性资源教室', '>=', 80, '个'],
      ]);
    }
  });
});

describe('recurrences', () => {
  it('keeps every recurring duty of an item, in reading order', () => {
    const text = '以3年为一轮开展督导评估。每年组织一次专项检查。（责任单位：督导处）';
    const both = [
      { everyYears: 3, text: '以3年为一轮开展督导评估' },
      { everyYears: 1, text: '每年组织一次专项检查' },
    ];
    expect(extractRecurrences(text)).toEqual(both);
    const parsed = parsePlan(`规划\n一、任务\n1.督导评估。${text}\n`);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.plan.items[0]!.recurrences).toEqual(both);
  });

  it('keeps a yearly duty and every reporting cadence an item states: 每年…、每季度…、每月25日前…', () => {
    const parsed = parsePlan(
      '规划\n一、任务\n1.专项检查。每年组织一次专项检查，每季度报送一次进展，每月25日前报送工作月报。（责任单位：督导处）\n',
    );
    if (!parsed.ok) throw new Error(parsed.error);
    const sentence = '每年组织一次专项检查，每季度报送一次进展，每月25日前报送工作月报';
    expect(parsed.plan.items[0]).toMatchObject({
      recurrences: [{ everyYears: 1, text: sentence }],
      cadences: [
        { every: 'quarter', day: null, text: sentence },
        { every: 'month', day: 25, text: sentence },
      ],
      targets: [],
    });
    expect(parsed.plan.warnings).toEqual([]);
  });

  it('reads the single recurrence of a plan stored before `recurrences` as a list of one', () => {
    const { recurrences, cadences: _c, ...stored } = plan.items.find((i) => i.sourceLine === 27)!;
    const recurrence = recurrences[0]!;
    expect(recurrence.everyYears).toBe(2);
    const cadence = { every: 'quarter' as const, day: null, text: '每季度' };
    const read = PlanItem.parse({ ...stored, recurrence, cadence });
    expect(read).toMatchObject({ recurrences: [recurrence], cadences: [cadence] });
    expect(read).not.toHaveProperty('recurrence');
    expect(read).not.toHaveProperty('cadence');
    expect(PlanItem.parse({ ...stored, recurrence: null })).toMatchObject({ recurrences: [], cadences: [] });
  });

  it('records the most frequent duty where only one fits, the first stated among equals', () => {
    const duties = (...everyYears: number[]) => ({
      recurrences: everyYears.map((n, k) => ({ everyYears: n, text: `第${k + 1}项` })),
    });
    expect(mainRecurrence(duties(3, 1))).toEqual({ everyYears: 1, text: '第2项' });
    expect(mainRecurrence(duties(2, 2))).toEqual({ everyYears: 2, text: '第1项' });
    expect(mainRecurrence(duties())).toBeNull();
  });

  it('reads 每两年 and counts a phrase once', () => {
    expect(extractRecurrences('每两年评估一次，每两年评估一次').map((r) => r.everyYears)).toEqual([2]);
    expect(extractRecurrences('没有周期')).toEqual([]);
  });
});
